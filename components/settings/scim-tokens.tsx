'use client';

import { useState, type FormEvent } from 'react';
import { ConfirmButton } from '@/components/confirm-button';
import { SecretField } from '@/components/copy-button';
import { Icon } from '@/components/icons';
import { Time } from '@/components/time';
import { useToast } from '@/components/toast';
import { Alert, Badge, Card, EmptyState, Spinner } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import type { CreatedScimToken, Page, ScimToken } from '@/lib/ui/types';
import { useResource } from '@/lib/ui/use-resource';

const NAME_MAX = 80;

function NewToken({ created, onDone }: { created: CreatedScimToken; onDone: () => void }) {
  return (
    <div className="stack" data-testid="scim-token-created">
      <Alert tone="warning" title={`Copy the token “${created.name}” now: you won't see it again`}>
        Paste it into your identity provider (Okta: API Token; Azure AD: Secret Token). Reflex keeps only a hash, so a
        lost token cannot be shown again: revoke it and create a new one.
      </Alert>
      <SecretField value={created.token} label="SCIM token" testId="scim-token-secret" />
      <div>
        <button type="button" className="btn btn-secondary" onClick={onDone}>
          I have stored it safely
        </button>
      </div>
    </div>
  );
}

function CreateTokenForm({ onCreated, onCancel }: { onCreated: (t: CreatedScimToken) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await api<CreatedScimToken>('/api/v1/settings/scim/tokens', { method: 'POST', body: { name } }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={submit}>
      <div className="field">
        <label htmlFor="scim-token-name">Name</label>
        <input id="scim-token-name" className="input" required maxLength={NAME_MAX} placeholder="e.g. Okta production" value={name} onChange={(e) => setName(e.target.value)} />
        <span className="hint">So you recognise which identity provider uses it.</span>
      </div>
      {error && <Alert tone="error">{error}</Alert>}
      <div className="form-actions">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy || name.trim() === ''}>
          {busy ? 'Creating…' : 'Create token'}
        </button>
      </div>
    </form>
  );
}

function TokensTable({ tokens, onChanged }: { tokens: ScimToken[]; onChanged: () => Promise<void> }) {
  const toast = useToast();
  return (
    <div className="table-wrap">
      <table className="table table-responsive">
        <thead>
          <tr>
            <th>Name</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Status</th>
            <th className="align-right">Actions</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id} data-testid="scim-token-row">
              <td data-label="Name">
                <div className="person-name">{t.name}</div>
                <div className="mono muted small">{t.prefix}…</div>
              </td>
              <td data-label="Created" className="muted nowrap">
                <Time value={t.createdAt} />
              </td>
              <td data-label="Last used" className="muted nowrap">
                <Time value={t.lastUsedAt} fallback="Never" />
              </td>
              <td data-label="Status">{t.revokedAt ? <Badge tone="red">Revoked</Badge> : <Badge tone="green">Active</Badge>}</td>
              <td data-label="Actions" className="align-right">
                {t.revokedAt ? (
                  <span className="muted">—</span>
                ) : (
                  <ConfirmButton
                    label="Revoke"
                    confirmLabel="Revoke token"
                    title="The identity provider using it stops provisioning at once"
                    onConfirm={async () => {
                      try {
                        await api(`/api/v1/settings/scim/tokens/${t.id}`, { method: 'DELETE' });
                        toast(`Token “${t.name}” revoked`);
                        await onChanged();
                      } catch (err) {
                        toast(errorMessage(err), 'error');
                      }
                    }}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ScimTokensCard() {
  const tokens = useResource<Page<ScimToken>>('/api/v1/settings/scim/tokens');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedScimToken | null>(null);
  const newButton = (
    <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
      <Icon name="plus" size={16} /> New token
    </button>
  );

  return (
    <Card title="SCIM tokens" description="Your identity provider sends one as a bearer token. Each token works for this organization only." actions={!creating && !created && newButton}>
      <div className="stack">
        {created && <NewToken created={created} onDone={() => setCreated(null)} />}
        {creating && (
          <CreateTokenForm
            onCancel={() => setCreating(false)}
            onCreated={(t) => {
              setCreating(false);
              setCreated(t);
              void tokens.reload();
            }}
          />
        )}
        {tokens.error && <Alert tone="error">{tokens.error}</Alert>}
        {tokens.loading ? (
          <Spinner label="Loading SCIM tokens" />
        ) : tokens.data?.items.length ? (
          <TokensTable tokens={tokens.data.items} onChanged={tokens.reload} />
        ) : (
          !tokens.error && (
            <EmptyState icon="key" title="No SCIM tokens yet" action={!creating && newButton}>
              Create a token, then paste it with the base URL above into Okta or Azure AD.
            </EmptyState>
          )
        )}
      </div>
    </Card>
  );
}
