'use client';

import { useState, type FormEvent } from 'react';
import { ConfirmButton } from '@/components/confirm-button';
import { SecretField } from '@/components/copy-button';
import { Time } from '@/components/time';
import { useToast } from '@/components/toast';
import { Alert, Badge, Card, EmptyState, Spinner } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import type { SsoDomain, SsoDomainVerification } from '@/lib/ui/types';
import { useResource } from '@/lib/ui/use-resource';

const BASE = '/api/v1/settings/sso/domains';

function DomainRow({ domain, hasConnection, onChanged }: { domain: SsoDomain; hasConnection: boolean; onChanged: () => Promise<void> }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<SsoDomainVerification | null>(null);

  async function verify() {
    setBusy(true);
    try {
      const res = await api<SsoDomainVerification>(`${BASE}/${domain.id}/verify`, { method: 'POST' });
      setResult(res);
      await onChanged();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
    setBusy(false);
  }

  async function setEnforced(enforceSso: boolean) {
    setBusy(true);
    try {
      await api(`${BASE}/${domain.id}`, { method: 'PATCH', body: { enforceSso } });
      toast(enforceSso ? `Single sign-on is now required for ${domain.domain}` : `Password sign-in is allowed again for ${domain.domain}`);
      await onChanged();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
    setBusy(false);
  }

  return (
    <div className="sso-item" data-testid={`sso-domain-${domain.domain}`}>
      <div className="sso-item-head">
        <div>
          <strong>{domain.domain}</strong>{' '}
          {domain.verified ? <Badge tone="green">Verified</Badge> : <Badge tone="amber">Not verified</Badge>}{' '}
          {domain.enforceSso && <Badge tone="brand">SSO required</Badge>}
          <div className="hint">
            {domain.verified ? (
              <>Verified <Time value={domain.verifiedAt} mode="date" /></>
            ) : domain.lastCheckedAt ? (
              <>Last checked <Time value={domain.lastCheckedAt} /></>
            ) : (
              'Not checked yet'
            )}
          </div>
        </div>
        <div className="row-actions">
          {!domain.verified && (
            <button type="button" className="btn btn-sm btn-secondary" disabled={busy} onClick={verify}>
              {busy ? 'Checking DNS…' : 'Verify'}
            </button>
          )}
          <ConfirmButton label="Remove" confirmLabel={`Remove ${domain.domain}`} onConfirm={async () => {
            try {
              await api(`${BASE}/${domain.id}`, { method: 'DELETE' });
              await onChanged();
            } catch (err) {
              toast(errorMessage(err), 'error');
            }
          }} />
        </div>
      </div>
      {!domain.verified && (
        <div className="stack-sm">
          <p className="hint">Create this TXT record at your DNS host, then press Verify. DNS changes can take a few minutes to appear.</p>
          <div className="field">
            <span className="field-label">Name (host)</span>
            <SecretField value={domain.txtRecord.name} label="TXT record name" />
          </div>
          <div className="field">
            <span className="field-label">Value</span>
            <SecretField value={domain.txtRecord.value} label="TXT record value" testId="sso-txt-value" />
          </div>
        </div>
      )}
      {result && (
        <Alert tone={result.result === 'verified' ? 'success' : result.result === 'lookup_failed' ? 'warning' : 'error'}>{result.message}</Alert>
      )}
      {domain.verified && (
        <label className="check">
          <input type="checkbox" checked={domain.enforceSso} disabled={busy || (!domain.enforceSso && !hasConnection)} onChange={(e) => setEnforced(e.target.checked)} />
          <span>
            <span className="check-label">Require single sign-on for {domain.domain}</span>
            <span className="check-hint">
              {hasConnection
                ? 'Password sign-in is refused for these addresses. Owners of this organization can still use their password, so you are never locked out if the identity provider fails.'
                : 'Add an active SSO connection first.'}
            </span>
          </span>
        </label>
      )}
    </div>
  );
}

export function SsoDomainsCard({ hasConnection }: { hasConnection: boolean }) {
  const toast = useToast();
  const domains = useResource<{ items: SsoDomain[] }>(BASE);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function add(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const domain = String(new FormData(form).get('domain') ?? '').trim();
    setAdding(true);
    setError(null);
    try {
      await api(BASE, { method: 'POST', body: { domain } });
      form.reset();
      toast(`${domain} added. Create its TXT record, then verify.`);
      await domains.reload();
    } catch (err) {
      setError(errorMessage(err));
    }
    setAdding(false);
  }

  return (
    <Card title="Email domains" description="Prove your organization owns a domain, so people with addresses there find your single sign-on when they sign in.">
      <div className="stack">
        {domains.error && <Alert tone="error">{domains.error}</Alert>}
        {domains.loading && !domains.data ? (
          <Spinner label="Loading domains" />
        ) : domains.data && domains.data.items.length === 0 ? (
          <EmptyState icon="shield" title="No domains yet">Add the domain of your work email addresses, such as example.com.</EmptyState>
        ) : (
          domains.data?.items.map((d) => <DomainRow key={d.id} domain={d} hasConnection={hasConnection} onChanged={domains.reload} />)
        )}
        <form className="inline-form" onSubmit={add}>
          <div className="field field-grow">
            <label htmlFor="sso-domain">Domain</label>
            <input id="sso-domain" name="domain" className="input" placeholder="example.com" required maxLength={253} />
          </div>
          <button type="submit" className="btn btn-secondary" disabled={adding}>
            {adding ? 'Adding…' : 'Add domain'}
          </button>
        </form>
        {error && <Alert tone="error">{error}</Alert>}
      </div>
    </Card>
  );
}
