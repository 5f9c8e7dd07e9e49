'use client';

import { useState } from 'react';
import { useCan, useMe } from '@/components/shell/me-context';
import { useToast } from '@/components/toast';
import { Alert, Card, PageHeader, Spinner } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import type { SecuritySettings } from '@/lib/ui/types';
import type { SsoConnection } from '@/lib/ui/types';
import { useResource } from '@/lib/ui/use-resource';
import { ScimProvisioningSection } from './scim-provisioning';
import { SSO_CONNECTIONS_PATH, SsoConnectionsCard } from './sso-connections';
import { SsoDomainsCard } from './sso-domains';

type MfaPolicy = SecuritySettings['mfa']['required'];

const MFA_OPTIONS: { value: MfaPolicy; title: string; text: string }[] = [
  { value: 'off', title: 'Not required', text: 'Members choose for themselves on their profile.' },
  { value: 'admins', title: 'Required for admins', text: 'Owners, admins, and roles that manage members, roles, API keys, settings or data.' },
  { value: 'all', title: 'Required for everyone', text: 'Every member must set up an authenticator app before they can continue.' },
];

// One card per section of the organization's security settings (GET/PATCH /api/v1/settings/security); single
// sign-on has two cards of its own (components/settings/sso-*.tsx, /api/v1/settings/sso/...).
function MfaSection({ value, onSave }: { value: MfaPolicy; onSave: (change: Partial<SecuritySettings>) => Promise<void> }) {
  const [choice, setChoice] = useState<MfaPolicy>(value);
  const [busy, setBusy] = useState(false);
  return (
    <Card title="Two-factor authentication" description="Members who must use it and have not set it up are sent to their profile to enrol. API keys are not affected.">
      <div className="stack">
        <div className="policy-options" role="radiogroup" aria-label="Two-factor authentication policy">
          {MFA_OPTIONS.map((o) => (
            <label key={o.value} className="policy-option">
              <input type="radio" name="mfa-policy" value={o.value} checked={choice === o.value} onChange={() => setChoice(o.value)} />
              <div>
                <strong>{o.title}</strong>
                <span>{o.text}</span>
              </div>
            </label>
          ))}
        </div>
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy || choice === value}
            onClick={async () => {
              setBusy(true);
              await onSave({ mfa: { required: choice } });
              setBusy(false);
            }}
          >
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
    </Card>
  );
}

function EmailSection({ value, onSave }: { value: boolean; onSave: (change: Partial<SecuritySettings>) => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  return (
    <Card title="Verified email addresses" description="Invitations can always be accepted only with a verified address. This also applies to members who joined before.">
      <label className="check">
        <input
          type="checkbox"
          checked={value}
          disabled={busy}
          onChange={async (e) => {
            setBusy(true);
            await onSave({ emailVerification: { required: e.target.checked } });
            setBusy(false);
          }}
        />
        <span>
          <span className="check-label">Require a verified email address from every member</span>
          <span className="check-hint">Members who have not verified theirs are asked to open the link we email them before they continue.</span>
        </span>
      </label>
    </Card>
  );
}

export function SecuritySettingsView() {
  const me = useMe();
  const can = useCan();
  const toast = useToast();
  const allowed = can('settings:manage');
  const settings = useResource<SecuritySettings>(allowed ? '/api/v1/settings/security' : null);
  const connections = useResource<{ items: SsoConnection[] }>(allowed ? SSO_CONNECTIONS_PATH : null);
  const hasActiveConnection = (connections.data?.items ?? []).some((c) => c.status === 'active');
  const header = <PageHeader title="Security" description={`Sign-in requirements for everyone in ${me.tenant?.name ?? 'this organization'}.`} />;

  if (!allowed) {
    return (
      <>
        {header}
        <Alert tone="warning" title="No access">
          Security settings need the settings:manage permission.
        </Alert>
      </>
    );
  }

  async function save(change: Partial<SecuritySettings>) {
    try {
      await api('/api/v1/settings/security', { method: 'PATCH', body: change });
      toast('Security settings saved');
      await settings.reload();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  }

  return (
    <>
      {header}
      {settings.error && <Alert tone="error">{settings.error}</Alert>}
      {settings.loading || !settings.data ? (
        <Spinner label="Loading security settings" />
      ) : (
        <>
          <MfaSection key={settings.data.mfa.required} value={settings.data.mfa.required} onSave={save} />
          <EmailSection value={settings.data.emailVerification.required} onSave={save} />
          <SsoConnectionsCard connections={connections} />
          <SsoDomainsCard hasConnection={hasActiveConnection} />
        </>
      )}
      <ScimProvisioningSection />
    </>
  );
}
