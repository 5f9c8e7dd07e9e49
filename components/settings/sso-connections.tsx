'use client';

import { useState, type FormEvent } from 'react';
import { ConfirmButton } from '@/components/confirm-button';
import { SecretField } from '@/components/copy-button';
import { useToast } from '@/components/toast';
import { Alert, Badge, Card, EmptyState, Spinner } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import type { Role, SsoConnection } from '@/lib/ui/types';
import { useHydrated } from '@/lib/ui/use-hydrated';
import { useResource, type Resource } from '@/lib/ui/use-resource';

const BASE = '/api/v1/settings/sso/connections';

type Mapping = { group: string; roleId: string };

function CopyRow({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="field">
      <span className="field-label">{label}</span>
      <SecretField value={value} label={label} testId={testId} />
    </div>
  );
}

function IdpValues({ connection }: { connection: SsoConnection }) {
  if (connection.oidc) {
    return (
      <div className="stack-sm">
        <CopyRow label="Redirect URI (enter it at your identity provider)" value={connection.oidc.redirectUri} testId="sso-redirect-uri" />
        <p className="hint">
          Issuer {connection.oidc.issuer} · client {connection.oidc.clientId} · scopes {connection.oidc.scopes.join(' ')} · groups from the “{connection.oidc.groupsClaim}” claim. The client secret is stored encrypted and never shown again.
        </p>
      </div>
    );
  }
  if (!connection.saml) return null;
  return (
    <div className="stack-sm">
      <CopyRow label="SP entity ID (audience)" value={connection.saml.spEntityId} />
      <CopyRow label="ACS URL (single sign-on URL, HTTP-POST)" value={connection.saml.acsUrl} />
      <CopyRow label="SP metadata URL" value={connection.saml.spMetadataUrl} />
      <p className="hint">
        IdP {connection.saml.idpEntityId} · {connection.saml.idpCertificateCount === 1 ? 'one signing certificate' : `${connection.saml.idpCertificateCount} signing certificates`}
      </p>
    </div>
  );
}

function ProvisioningEditor({ connection, roles, onSaved }: { connection: SsoConnection; roles: Role[]; onSaved: () => Promise<void> }) {
  const toast = useToast();
  const [jit, setJit] = useState(connection.jitEnabled);
  const [defaultRoleId, setDefaultRoleId] = useState(connection.defaultRoleId ?? '');
  const [mappings, setMappings] = useState<Mapping[]>(connection.groupRoleMappings);
  const [active, setActive] = useState(connection.status === 'active');
  const [busy, setBusy] = useState(false);
  const assignable = roles.filter((r) => r.key !== 'owner');

  async function save() {
    setBusy(true);
    try {
      await api(`${BASE}/${connection.id}`, {
        method: 'PATCH',
        body: {
          jitEnabled: jit,
          defaultRoleId: defaultRoleId || null,
          groupRoleMappings: mappings.filter((m) => m.group.trim() && m.roleId),
          status: active ? 'active' : 'disabled',
        },
      });
      toast('Connection saved');
      await onSaved();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
    setBusy(false);
  }

  return (
    <div className="stack-sm">
      <label className="check">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
        <span>
          <span className="check-label">Active</span>
          <span className="check-hint">When off, nobody can sign in through this connection.</span>
        </span>
      </label>
      <label className="check">
        <input type="checkbox" checked={jit} onChange={(e) => setJit(e.target.checked)} />
        <span>
          <span className="check-label">Create accounts on first sign-in (just-in-time provisioning)</span>
          <span className="check-hint">When off, only people who are already members can sign in with SSO.</span>
        </span>
      </label>
      <div className="field">
        <label htmlFor={`default-role-${connection.id}`}>Role for new members</label>
        <select id={`default-role-${connection.id}`} className="input select" value={defaultRoleId} onChange={(e) => setDefaultRoleId(e.target.value)}>
          <option value="">Member (default)</option>
          {assignable.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <span className="field-label">Group → role mappings</span>
        <span className="hint">Checked in this order at every sign-in; the first group the person is in decides their role. Owners are never changed.</span>
        {mappings.map((m, i) => (
          <div className="sso-mapping" key={i}>
            <input
              className="input input-sm"
              placeholder="IdP group name"
              aria-label="IdP group name"
              value={m.group}
              maxLength={256}
              onChange={(e) => setMappings(mappings.map((x, j) => (j === i ? { ...x, group: e.target.value } : x)))}
            />
            <select
              className="input input-sm select"
              aria-label="Role"
              value={m.roleId}
              onChange={(e) => setMappings(mappings.map((x, j) => (j === i ? { ...x, roleId: e.target.value } : x)))}
            >
              <option value="">Choose a role</option>
              {assignable.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => setMappings(mappings.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        ))}
        <div>
          <button type="button" className="btn btn-sm btn-secondary" onClick={() => setMappings([...mappings, { group: '', roleId: '' }])}>
            Add mapping
          </button>
        </div>
      </div>
      <div className="form-actions">
        <button type="button" className="btn btn-primary" disabled={busy} onClick={save}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </div>
  );
}

function AddConnectionForm({ onCreated }: { onCreated: () => Promise<void> }) {
  const hydrated = useHydrated();
  const [protocol, setProtocol] = useState<'oidc' | 'saml'>('oidc');
  const [samlSource, setSamlSource] = useState<'xml' | 'url' | 'fields'>('xml');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const origin = hydrated ? window.location.origin : '';

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const body =
      protocol === 'oidc'
        ? { protocol, name: text('name'), issuer: text('issuer'), clientId: text('clientId'), clientSecret: text('clientSecret'), jitEnabled: true }
        : samlSource === 'xml'
          ? { protocol, name: text('name'), metadataXml: text('metadataXml'), jitEnabled: true }
          : samlSource === 'url'
            ? { protocol, name: text('name'), metadataUrl: text('metadataUrl'), jitEnabled: true }
            : { protocol, name: text('name'), idpEntityId: text('idpEntityId'), idpSsoUrl: text('idpSsoUrl'), idpCertificates: [text('certificate')], jitEnabled: true };
    setBusy(true);
    setError(null);
    try {
      await api(BASE, { method: 'POST', body });
      form.reset();
      await onCreated();
    } catch (err) {
      setError(errorMessage(err));
    }
    setBusy(false);
  }

  return (
    <form className="stack sso-item" onSubmit={submit}>
      <strong>Add a connection</strong>
      <div className="form-row" role="radiogroup" aria-label="Protocol">
        <label className="check">
          <input type="radio" name="protocol" checked={protocol === 'oidc'} onChange={() => setProtocol('oidc')} />
          <span className="check-label">OpenID Connect (Okta, Entra ID, Google Workspace, OneLogin)</span>
        </label>
        <label className="check">
          <input type="radio" name="protocol" checked={protocol === 'saml'} onChange={() => setProtocol('saml')} />
          <span className="check-label">SAML 2.0</span>
        </label>
      </div>
      <div className="field">
        <label htmlFor="sso-name">Name</label>
        <input id="sso-name" name="name" className="input" placeholder="Okta" required maxLength={100} />
      </div>
      {protocol === 'oidc' ? (
        <>
          {origin && <CopyRow label="Redirect URI (register it in your identity provider first)" value={`${origin}/api/sso/oidc/callback`} />}
          <div className="field">
            <label htmlFor="sso-issuer">Issuer URL</label>
            <input id="sso-issuer" name="issuer" className="input" type="url" placeholder="https://acme.okta.com" required />
          </div>
          <div className="form-row">
            <div className="field field-grow">
              <label htmlFor="sso-client-id">Client ID</label>
              <input id="sso-client-id" name="clientId" className="input" required maxLength={512} />
            </div>
            <div className="field field-grow">
              <label htmlFor="sso-client-secret">Client secret</label>
              <input id="sso-client-secret" name="clientSecret" className="input" type="password" autoComplete="off" required maxLength={2048} />
            </div>
          </div>
        </>
      ) : (
        <>
          <p className="hint">The SP entity ID, ACS URL and SP metadata URL to enter at your identity provider are shown once the connection is saved.</p>
          <div className="form-row" role="radiogroup" aria-label="Identity provider details">
            {(
              [
                ['xml', 'Paste metadata XML'],
                ['url', 'Metadata URL'],
                ['fields', 'Enter details'],
              ] as const
            ).map(([value, label]) => (
              <label className="check" key={value}>
                <input type="radio" name="saml-source" checked={samlSource === value} onChange={() => setSamlSource(value)} />
                <span className="check-label">{label}</span>
              </label>
            ))}
          </div>
          {samlSource === 'xml' && (
            <div className="field">
              <label htmlFor="sso-metadata-xml">IdP metadata XML</label>
              <textarea id="sso-metadata-xml" name="metadataXml" className="input mono sso-textarea" rows={6} required placeholder="<EntityDescriptor …>" />
            </div>
          )}
          {samlSource === 'url' && (
            <div className="field">
              <label htmlFor="sso-metadata-url">IdP metadata URL</label>
              <input id="sso-metadata-url" name="metadataUrl" className="input" type="url" required placeholder="https://acme.okta.com/app/…/sso/saml/metadata" />
            </div>
          )}
          {samlSource === 'fields' && (
            <>
              <div className="field">
                <label htmlFor="sso-idp-entity">IdP entity ID (issuer)</label>
                <input id="sso-idp-entity" name="idpEntityId" className="input" required maxLength={1024} />
              </div>
              <div className="field">
                <label htmlFor="sso-idp-url">IdP single sign-on URL</label>
                <input id="sso-idp-url" name="idpSsoUrl" className="input" type="url" required />
              </div>
              <div className="field">
                <label htmlFor="sso-cert">IdP signing certificate (PEM)</label>
                <textarea id="sso-cert" name="certificate" className="input mono sso-textarea" rows={5} required maxLength={20000} />
              </div>
            </>
          )}
        </>
      )}
      {error && <Alert tone="error">{error}</Alert>}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !hydrated}>
          {busy ? 'Checking and saving…' : 'Add connection'}
        </button>
      </div>
    </form>
  );
}

export const SSO_CONNECTIONS_PATH = BASE;

// The list is loaded by the page (the domains card needs to know whether any connection is active).
export function SsoConnectionsCard({ connections }: { connections: Resource<{ items: SsoConnection[] }> }) {
  const toast = useToast();
  const roles = useResource<{ items: Role[] }>('/api/v1/roles');
  const items = connections.data?.items ?? [];

  async function reload() {
    await connections.reload();
  }

  return (
    <Card title="Single sign-on" description="People in your verified domains sign in through your identity provider. New members can be created on their first sign-in.">
      <div className="stack">
        {connections.error && <Alert tone="error">{connections.error}</Alert>}
        {connections.loading && !connections.data ? (
          <Spinner label="Loading connections" />
        ) : items.length === 0 ? (
          <EmptyState icon="key" title="No connections yet">Add your identity provider below: OpenID Connect or SAML 2.0.</EmptyState>
        ) : (
          items.map((c) => (
            <div className="sso-item" key={c.id} data-testid={`sso-connection-${c.name}`}>
              <div className="sso-item-head">
                <div>
                  <strong>{c.name}</strong> <Badge tone="blue">{c.protocol === 'oidc' ? 'OpenID Connect' : 'SAML 2.0'}</Badge>{' '}
                  {c.status === 'active' ? <Badge tone="green">Active</Badge> : <Badge>Off</Badge>}
                </div>
                <ConfirmButton label="Delete" confirmLabel={`Delete ${c.name}`} onConfirm={async () => {
                  try {
                    await api(`${BASE}/${c.id}`, { method: 'DELETE' });
                    await reload();
                  } catch (err) {
                    toast(errorMessage(err), 'error');
                  }
                }} />
              </div>
              <IdpValues connection={c} />
              {roles.data ? <ProvisioningEditor key={c.updatedAt} connection={c} roles={roles.data.items} onSaved={reload} /> : <Spinner label="Loading roles" />}
            </div>
          ))
        )}
        <AddConnectionForm onCreated={reload} />
      </div>
    </Card>
  );
}
