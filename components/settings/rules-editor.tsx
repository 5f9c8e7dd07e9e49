'use client';

import { Icon } from '@/components/icons';
import styles from './settings.module.css';
import { newKey } from './draft';
import type { RuleDraft, RuleKind } from './types';

const KINDS: { kind: RuleKind; label: string; hint: string }[] = [
  { kind: 'required-section', label: 'Required section', hint: 'A heading with this name (or a pattern) must be present' },
  { kind: 'required-field', label: 'Required field', hint: 'The pattern must match somewhere' },
  { kind: 'forbidden-pattern', label: 'Forbidden pattern', hint: 'The pattern must not match anywhere' },
  { kind: 'valid-dates', label: 'Valid dates', hint: 'Every date in the text must exist' },
  { kind: 'max-age-days', label: 'Maximum age', hint: 'The document date is at most this many days old' },
];

export function RulesEditor({ rules, onChange }: { rules: RuleDraft[]; onChange: (rules: RuleDraft[]) => void }) {
  const set = (key: number, patch: Partial<RuleDraft>) => onChange(rules.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <div className="stack">
      {rules.length === 0 && <p className="muted">No rules: every document passes verification.</p>}
      {rules.map((r, i) => {
        const kind = KINDS.find((k) => k.kind === r.kind);
        const named = r.kind !== 'valid-dates' && r.kind !== 'max-age-days';
        const patterned = r.kind === 'required-field' || r.kind === 'forbidden-pattern' || r.kind === 'required-section';
        return (
          <div key={r.key} className={styles.rule} data-testid="rule-row">
            <div className="field">
              <label htmlFor={`rule-kind-${r.key}`}>Rule {i + 1}</label>
              <select
                id={`rule-kind-${r.key}`}
                className="input input-sm select"
                value={r.kind}
                onChange={(e) => set(r.key, { kind: KINDS.find((k) => k.kind === e.target.value)?.kind ?? r.kind })}
              >
                {KINDS.map((k) => (
                  <option key={k.kind} value={k.kind}>
                    {k.label}
                  </option>
                ))}
              </select>
            </div>
            {named && (
              <div className="field field-grow">
                <label htmlFor={`rule-name-${r.key}`}>Name</label>
                <input id={`rule-name-${r.key}`} className="input input-sm" maxLength={200} value={r.name} onChange={(e) => set(r.key, { name: e.target.value })} />
              </div>
            )}
            {patterned && (
              <div className="field field-grow">
                <label htmlFor={`rule-pattern-${r.key}`}>Pattern{r.kind === 'required-section' ? ' (optional)' : ''}</label>
                <input
                  id={`rule-pattern-${r.key}`}
                  className="input input-sm mono"
                  maxLength={300}
                  placeholder={r.kind === 'required-section' ? 'found by heading when empty' : 'regular expression, case-insensitive'}
                  value={r.pattern}
                  onChange={(e) => set(r.key, { pattern: e.target.value })}
                />
              </div>
            )}
            {r.kind === 'max-age-days' && (
              <div className="field">
                <label htmlFor={`rule-days-${r.key}`}>Days</label>
                <input id={`rule-days-${r.key}`} className={`input input-sm ${styles.num}`} type="number" min={0} value={r.days} onChange={(e) => set(r.key, { days: e.target.value })} />
              </div>
            )}
            <button type="button" className={`icon-button ${styles.remove}`} aria-label={`Remove rule ${i + 1}`} onClick={() => onChange(rules.filter((x) => x.key !== r.key))}>
              <Icon name="x" size={16} />
            </button>
            {kind && <div className={`muted small ${styles.ruleHint}`}>{kind.hint}</div>}
          </div>
        );
      })}
      <div>
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={() => onChange([...rules, { key: newKey(), kind: 'required-field', name: '', pattern: '', days: '365' }])}
        >
          <Icon name="plus" size={14} /> Add rule
        </button>
      </div>
    </div>
  );
}
