'use client';

import { useState, type FormEvent } from 'react';
import { AUDIT_ACTIONS, describeAuditAction } from '@/lib/audit/actions';

export interface AuditFilters {
  action: string;
  actor: string;
  targetType: string;
  target: string;
  outcome: '' | 'success' | 'denied' | 'failure';
  from: string;
  to: string;
}

export const NO_FILTERS: AuditFilters = { action: '', actor: '', targetType: '', target: '', outcome: '', from: '', to: '' };

// A datetime-local value is the viewer's own clock time, like every time the table shows.
function instantOf(local: string): string | null {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

// The query string the list endpoint takes.
export function filterQuery(f: AuditFilters): URLSearchParams {
  const q = new URLSearchParams();
  for (const key of ['action', 'actor', 'targetType', 'target', 'outcome'] as const) {
    const value = f[key].trim();
    if (value) q.set(key, value);
  }
  const from = f.from ? instantOf(f.from) : null;
  const to = f.to ? instantOf(f.to) : null;
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  return q;
}

// Every known action by what it says, for the action picker.
const ACTION_OPTIONS = Object.keys(AUDIT_ACTIONS)
  .map((id) => ({ id, label: describeAuditAction(id) }))
  .sort((a, b) => a.label.localeCompare(b.label));

// For investigations by id (an API key, a resource): out of the way of everyday filtering.
const ID_FIELDS: { key: 'actor' | 'targetType' | 'target'; label: string; placeholder: string }[] = [
  { key: 'actor', label: 'Actor id', placeholder: 'a user or API key id' },
  { key: 'targetType', label: 'Target type', placeholder: 'e.g. roles' },
  { key: 'target', label: 'Target id', placeholder: 'a resource id' },
];

export interface PersonOption {
  userId: string;
  name: string;
  email: string;
}

export function AuditFilterForm({ value, onApply, people }: { value: AuditFilters; onApply: (f: AuditFilters) => void; people: PersonOption[] | null }) {
  const [draft, setDraft] = useState<AuditFilters>(value);
  const set = <K extends keyof AuditFilters>(key: K, v: AuditFilters[K]) => setDraft((d) => ({ ...d, [key]: v }));

  function submit(e: FormEvent) {
    e.preventDefault();
    onApply(draft);
  }

  return (
    <form className="stack" onSubmit={submit} aria-label="Filter the audit log">
      <div className="form-row">
        <div className="field field-grow">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" className="input select input-sm" value={draft.action} onChange={(e) => set('action', e.target.value)}>
            <option value="">Any action</option>
            {ACTION_OPTIONS.map((o) => (
              <option key={o.id} value={o.id}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        {people && (
          <div className="field field-grow">
            <label htmlFor="audit-person">Who</label>
            <select id="audit-person" className="input select input-sm" value={draft.actor} onChange={(e) => set('actor', e.target.value)}>
              <option value="">Anyone</option>
              {people.map((p) => (
                <option key={p.userId} value={p.userId}>
                  {p.name} ({p.email})
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <div className="form-row">
        <div className="field">
          <label htmlFor="audit-outcome">Outcome</label>
          <select id="audit-outcome" className="input select input-sm" value={draft.outcome} onChange={(e) => set('outcome', e.target.value as AuditFilters['outcome'])}>
            <option value="">Any</option>
            <option value="success">Success</option>
            <option value="denied">Denied</option>
            <option value="failure">Failure</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input id="audit-from" type="datetime-local" className="input input-sm" value={draft.from} onChange={(e) => set('from', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">Until</label>
          <input id="audit-to" type="datetime-local" className="input input-sm" value={draft.to} onChange={(e) => set('to', e.target.value)} />
        </div>
      </div>
      <details className="small">
        <summary className="muted">Filter by id</summary>
        <div className="form-row">
          {ID_FIELDS.filter((f) => !(people && f.key === 'actor')).map((f) => (
            <div className="field field-grow" key={f.key}>
              <label htmlFor={`audit-${f.key}`}>{f.label}</label>
              <input id={`audit-${f.key}`} className="input input-sm" value={draft[f.key]} placeholder={f.placeholder} onChange={(e) => set(f.key, e.target.value)} />
            </div>
          ))}
        </div>
      </details>
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={() => {
            setDraft(NO_FILTERS);
            onApply(NO_FILTERS);
          }}
        >
          Clear
        </button>
        <button type="submit" className="btn btn-primary btn-sm">
          Apply filters
        </button>
      </div>
    </form>
  );
}
