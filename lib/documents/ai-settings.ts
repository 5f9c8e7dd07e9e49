import { z } from 'zod';
import { eq, sql } from 'drizzle-orm';
import { DEFAULT_CATEGORIES } from '@/lib/ai/classical/classify';
import { defaultPolicy, type AiProviders } from '@/lib/ai/registry';
import { aiPolicySchema, type AiPolicy } from '@/lib/ai/router';
import { aiOperationSchema, categorySchema, ruleSchema, type AiOperation } from '@/lib/ai/types';
import { tenants } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { logger } from '@/lib/log';

// A tenant's override of the default policy for one operation; unset fields keep the default.
export const aiPolicyOverrideSchema = aiPolicySchema.omit({ privacyMode: true }).partial();

// Stored in tenants.settings.ai. The settings API (PUT /api/v1/settings/ai) validates with this schema.
export const aiSettingsSchema = z.object({
  // Only in-process and self-hosted providers are used: tenant data never reaches a hosted API.
  privacyMode: z.boolean().default(false),
  policies: z.partialRecord(aiOperationSchema, aiPolicyOverrideSchema).default({}),
  // Categories the classifier chooses from; the built-in set when absent.
  categories: z.array(categorySchema).min(1).max(100).optional(),
  // Rules every document is verified against; none means verification passes trivially.
  rules: z.array(ruleSchema).max(100).default([]),
});
export type AiSettings = z.output<typeof aiSettingsSchema>;
export type AiSettingsInput = z.input<typeof aiSettingsSchema>;

export const DEFAULT_AI_SETTINGS: AiSettings = aiSettingsSchema.parse({});

// Rules that no longer parse (a pattern stored before the linear-time engine refused its construct) are dropped
// on their own, so that they cannot cost the organization its other settings, privacy mode above all.
function withoutInvalidRules(raw: unknown): { value: unknown; dropped: number[] } {
  if (typeof raw !== 'object' || raw === null || !('rules' in raw) || !Array.isArray(raw.rules)) return { value: raw, dropped: [] };
  const rules: unknown[] = raw.rules;
  const dropped = rules.flatMap((rule, i) => (ruleSchema.safeParse(rule).success ? [] : [i]));
  return { value: { ...raw, rules: rules.filter((_, i) => !dropped.includes(i)) }, dropped };
}

// A stored value that no longer parses (an older shape, a manual edit) must not stop the pipeline: fall back to
// the defaults and say so in the log.
export function parseAiSettings(raw: unknown, tenantId?: string): AiSettings {
  if (raw === undefined || raw === null) return DEFAULT_AI_SETTINGS;
  const parsed = aiSettingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const { value, dropped } = withoutInvalidRules(raw);
  const retried = dropped.length > 0 ? aiSettingsSchema.safeParse(value) : parsed;
  if (retried.success) {
    logger.warn('invalid rules in tenants.settings.ai are ignored', { tenantId, rules: dropped, error: z.prettifyError(parsed.error) });
    return retried.data;
  }
  logger.warn('invalid tenants.settings.ai; using defaults', { tenantId, error: z.prettifyError(parsed.error) });
  return DEFAULT_AI_SETTINGS;
}

export async function getAiSettings(tx: Tx): Promise<AiSettings> {
  // RLS limits tenants to the one row of the current tenant.
  const [row] = await tx.select({ id: tenants.id, settings: tenants.settings }).from(tenants).limit(1);
  return parseAiSettings(row?.settings.ai, row?.id);
}

// Only the `ai` key changes, merged in SQL against the row as it is when the update runs: an operator's or
// another request's concurrent change to other keys (quotas, retention) is never overwritten with a stale copy.
export async function saveAiSettings(tx: Tx, tenantId: string, settings: AiSettingsInput): Promise<AiSettings> {
  const parsed = aiSettingsSchema.parse(settings);
  await tx
    .update(tenants)
    .set({ settings: sql`jsonb_set(${tenants.settings}, '{ai}', ${JSON.stringify(parsed)}::jsonb)`, updatedAt: new Date() })
    .where(eq(tenants.id, tenantId));
  return parsed;
}

export function categoriesFor(settings: AiSettings) {
  return settings.categories ?? DEFAULT_CATEGORIES;
}

// The tenant's override on top of the deployment's default chain; privacy mode always comes from the settings.
export function resolvePolicy(settings: AiSettings, op: AiOperation, providers: AiProviders): AiPolicy {
  const base = defaultPolicy(op, providers, { privacyMode: settings.privacyMode });
  const override = settings.policies[op] ?? {};
  return { ...base, ...override, privacyMode: settings.privacyMode };
}
