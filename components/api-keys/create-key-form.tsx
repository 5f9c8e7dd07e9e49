'use client';

import { useState, type FormEvent } from 'react';
import { PermissionPicker } from '@/components/roles/permission-picker';
import { Alert } from '@/components/ui';
import type { Permission } from '@/lib/auth/permissions';
import { api, errorMessage } from '@/lib/ui/api';
import type { CreatedApiKey } from '@/lib/ui/types';
import { LengthHint, tooLong } from '@/components/length-hint';
import { LIMITS } from '@/lib/validation/text';

const EXPIRY_OPTIONS = [
  { value: 'never', label: 'No expiry' },
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'custom', label: 'Custom date…' },
] as const;

type Expiry = (typeof EXPIRY_OPTIONS)[number]['value'];

function expiryIso(choice: Expiry, customDate: string): string | undefined {
  if (choice === 'never') return undefined;
  if (choice === 'custom') return customDate ? new Date(`${customDate}T23:59:59`).toISOString() : undefined;
  return new Date(Date.now() + Number(choice) * 86_400_000).toISOString();
}

function tomorrow(): string {
  return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
}

export function CreateKeyForm({ allowed, onCreated, onCancel }: { allowed: readonly Permission[]; onCreated: (key: CreatedApiKey) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Permission[]>(allowed.filter((p) => p.endsWith(':read')));
  const [expiry, setExpiry] = useState<Expiry>('90');
  const [customDate, setCustomDate] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!scopes.length) return setError('Pick at least one scope.');
    if (expiry === 'custom' && !customDate) return setError('Pick an expiry date, or choose “No expiry”.');
    setBusy(true);
    setError(null);
    try {
      onCreated(await api<CreatedApiKey>('/api/v1/api-keys', { method: 'POST', body: { name, scopes, expiresAt: expiryIso(expiry, customDate) } }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={submit}>
      <div className="form-row">
        <div className="field field-grow">
          <label htmlFor="key-name">Name</label>
          <input
            id="key-name"
            className="input"
            required
            placeholder="e.g. CRM sync"
            value={name}
            aria-describedby="key-name-hint"
            aria-invalid={tooLong(name, LIMITS.apiKeyName)}
            onChange={(e) => setName(e.target.value)}
          />
          <LengthHint id="key-name-hint" value={name} max={LIMITS.apiKeyName} label="Name" hint="So you recognise it later." />
        </div>
        <div className="field">
          <label htmlFor="key-expiry">Expires</label>
          <select id="key-expiry" className="input select" value={expiry} onChange={(e) => setExpiry(EXPIRY_OPTIONS.find((o) => o.value === e.target.value)?.value ?? 'never')}>
            {EXPIRY_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        {expiry === 'custom' && (
          <div className="field">
            <label htmlFor="key-expiry-date">Expiry date</label>
            <input id="key-expiry-date" className="input" type="date" min={tomorrow()} value={customDate} onChange={(e) => setCustomDate(e.target.value)} />
          </div>
        )}
      </div>
      <div className="field">
        <span className="field-label">Scopes</span>
        <span className="hint">A key can do only what its scopes allow, and never more than its creator can.</span>
      </div>
      <PermissionPicker name="key-scopes" value={scopes} onChange={setScopes} allowed={allowed} />
      {error && <Alert tone="error">{error}</Alert>}
      <div className="form-actions">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy || tooLong(name, LIMITS.apiKeyName)}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}
