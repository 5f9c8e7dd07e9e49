'use client';

import styles from './settings.module.css';
import { EMPTY_POLICY, type SettingsDraft } from './draft';
import { OPERATIONS, type AiOperation, type AiSettingsView, type PolicyDraft } from './types';

function ms(value: number): string {
  return value >= 60_000 ? `${Math.round(value / 60_000)} min` : `${value / 1000} s`;
}

export function PolicyEditor({
  draft,
  view,
  onChange,
}: {
  draft: SettingsDraft;
  view: AiSettingsView;
  onChange: (op: AiOperation, policy: PolicyDraft) => void;
}) {
  return (
    <div className="table-wrap">
      <table className={`table ${styles.policyTable}`}>
        <thead>
          <tr>
            <th>Operation</th>
            <th>Primary</th>
            <th>Fallback</th>
            <th>Escalate below</th>
            <th>Timeout (s)</th>
          </tr>
        </thead>
        <tbody>
          {OPERATIONS.map(({ op, label, hint }) => {
            const p = draft.policies[op] ?? EMPTY_POLICY;
            const effective = view.effective[op];
            const eligible = view.providers.filter((prov) => prov.operations.includes(op) && !(draft.privacyMode && prov.locality === 'hosted'));
            const set = (patch: Partial<PolicyDraft>) => onChange(op, { ...p, ...patch });
            return (
              <tr key={op} data-testid={`policy-${op}`}>
                <td>
                  <div className={styles.opName}>{label}</div>
                  <div className="muted small">{hint}</div>
                </td>
                <td>
                  <select className="input input-sm select" aria-label={`${label} primary provider`} value={p.primary} onChange={(e) => set({ primary: e.target.value })}>
                    <option value="">Default ({effective.primary})</option>
                    {eligible.map((prov) => (
                      <option key={prov.name} value={prov.name}>
                        {prov.name} ({prov.locality})
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {op === 'embed' ? (
                    <span className="muted small" title="Vectors from two models cannot be compared, so embeddings never fall back">
                      none (fixed)
                    </span>
                  ) : (
                    <div className={styles.fallback}>
                      <label className={styles.inlineCheck}>
                        <input type="checkbox" checked={p.customFallback} onChange={(e) => set({ customFallback: e.target.checked, fallback: effective.fallback ?? [] })} />
                        <span>{p.customFallback ? 'Custom' : `Default (${(effective.fallback ?? []).join(', ') || 'none'})`}</span>
                      </label>
                      {p.customFallback &&
                        eligible
                          .filter((prov) => prov.name !== (p.primary || effective.primary))
                          .map((prov) => (
                            <label key={prov.name} className={styles.inlineCheck}>
                              <input
                                type="checkbox"
                                checked={p.fallback.includes(prov.name)}
                                onChange={(e) => set({ fallback: e.target.checked ? [...p.fallback, prov.name] : p.fallback.filter((f) => f !== prov.name) })}
                              />
                              <span>{prov.name}</span>
                            </label>
                          ))}
                    </div>
                  )}
                </td>
                <td>
                  <input
                    className={`input input-sm ${styles.num}`}
                    type="number"
                    min={0}
                    max={1}
                    step={0.05}
                    aria-label={`${label} confidence threshold`}
                    placeholder={String(effective.confidenceThreshold)}
                    value={p.threshold}
                    onChange={(e) => set({ threshold: e.target.value })}
                  />
                </td>
                <td>
                  <input
                    className={`input input-sm ${styles.num}`}
                    type="number"
                    min={1}
                    step={1}
                    aria-label={`${label} timeout in seconds`}
                    placeholder={ms(effective.timeoutMs)}
                    value={p.timeoutSeconds}
                    onChange={(e) => set({ timeoutSeconds: e.target.value })}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
