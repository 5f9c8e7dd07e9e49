'use client';

import { useState, type FormEvent } from 'react';
import { SecretField } from '@/components/copy-button';
import { Icon } from '@/components/icons';
import { Time } from '@/components/time';
import { formatDate } from '@/lib/ui/format';
import { Alert } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import type { CreatedInvitation, Role } from '@/lib/ui/types';

export function InviteForm({ roles, onInvited }: { roles: Role[]; onInvited: () => void }) {
  const defaultRole = roles.find((r) => r.key === 'member') ?? roles[0];
  const [email, setEmail] = useState('');
  const [roleId, setRoleId] = useState(defaultRole?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedInvitation | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const inv = await api<CreatedInvitation>('/api/v1/invitations', { method: 'POST', body: { email, roleId: roleId || defaultRole?.id } });
      setCreated(inv);
      setEmail('');
      onInvited();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <form className="inline-form" onSubmit={submit}>
        <div className="field field-grow">
          <label htmlFor="invite-email">Email address</label>
          <input
            id="invite-email"
            className="input"
            type="email"
            required
            autoComplete="off"
            placeholder="teammate@company.com"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="invite-role">Role</label>
          <select id="invite-role" className="input select" value={roleId || defaultRole?.id} onChange={(e) => setRoleId(e.target.value)}>
            {roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy || !roles.length}>
          <Icon name="mail" size={16} />
          {busy ? 'Inviting…' : 'Create invitation'}
        </button>
      </form>
      {error && <Alert tone="error">{error}</Alert>}
      {created && (
        <div className="reveal" data-testid="invite-created">
          <Alert tone="success" title={`Invitation emailed to ${created.email}`}>
            You can also send them this link yourself. It is shown only once and expires <Time value={created.expiresAt} /> ({formatDate(created.expiresAt)}).
          </Alert>
          <SecretField value={created.acceptUrl} label="Invitation link" testId="invite-link" />
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
    </>
  );
}
