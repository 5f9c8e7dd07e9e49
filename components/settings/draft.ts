import type { AiOperation, AiSettingsView, CategoryDraft, PolicyDraft, Rule, RuleDraft } from './types';
import { OPERATIONS } from './types';

export const EMPTY_POLICY: PolicyDraft = { primary: '', customFallback: false, fallback: [], threshold: '', timeoutSeconds: '' };

let nextKey = 1;
export const newKey = () => nextKey++;

export interface SettingsDraft {
  privacyMode: boolean;
  policies: Partial<Record<AiOperation, PolicyDraft>>;
  rules: RuleDraft[];
  customCategories: boolean;
  categories: CategoryDraft[];
}

export function toDraft(view: AiSettingsView): SettingsDraft {
  const s = view.settings;
  const policies: Partial<Record<AiOperation, PolicyDraft>> = {};
  for (const { op } of OPERATIONS) {
    const p = s.policies[op] ?? {};
    policies[op] = {
      primary: p.primary ?? '',
      customFallback: p.fallback !== undefined,
      fallback: p.fallback ?? [],
      threshold: p.confidenceThreshold === undefined ? '' : String(p.confidenceThreshold),
      timeoutSeconds: p.timeoutMs === undefined ? '' : String(p.timeoutMs / 1000),
    };
  }
  return {
    privacyMode: s.privacyMode,
    policies,
    rules: s.rules.map((r) => ({
      key: newKey(),
      kind: r.kind,
      name: 'name' in r ? r.name : '',
      pattern: 'pattern' in r && r.pattern !== undefined ? r.pattern : '',
      days: r.kind === 'max-age-days' ? String(r.days) : '365',
    })),
    customCategories: s.categories !== undefined,
    categories: (s.categories ?? view.defaultCategories).map((c) => ({ key: newKey(), name: c.name, description: c.description ?? '' })),
  };
}

function toRule(d: RuleDraft): Rule {
  switch (d.kind) {
    case 'required-section':
      return { kind: d.kind, name: d.name.trim(), ...(d.pattern.trim() ? { pattern: d.pattern } : {}) };
    case 'required-field':
    case 'forbidden-pattern':
      return { kind: d.kind, name: d.name.trim(), pattern: d.pattern };
    case 'valid-dates':
      return { kind: d.kind };
    case 'max-age-days':
      return { kind: d.kind, days: Number(d.days) };
  }
}

// The PUT body: only what differs from the deployment defaults is stored as an override.
export function toBody(d: SettingsDraft) {
  const policies: Record<string, Record<string, unknown>> = {};
  for (const { op } of OPERATIONS) {
    const p = d.policies[op] ?? EMPTY_POLICY;
    const override: Record<string, unknown> = {};
    if (p.primary) override.primary = p.primary;
    if (p.customFallback) override.fallback = p.fallback.filter((f) => f !== p.primary);
    if (p.threshold.trim() !== '') override.confidenceThreshold = Number(p.threshold);
    if (p.timeoutSeconds.trim() !== '') override.timeoutMs = Math.round(Number(p.timeoutSeconds) * 1000);
    if (Object.keys(override).length > 0) policies[op] = override;
  }
  return {
    privacyMode: d.privacyMode,
    policies,
    rules: d.rules.map(toRule),
    ...(d.customCategories
      ? { categories: d.categories.map((c) => ({ name: c.name.trim(), ...(c.description.trim() ? { description: c.description.trim() } : {}) })) }
      : {}),
  };
}
