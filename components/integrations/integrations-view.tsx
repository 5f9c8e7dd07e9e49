'use client';

import { useState } from 'react';
import { useCan } from '@/components/shell/me-context';
import { Time } from '@/components/time';
import { useToast } from '@/components/toast';
import { Alert, Badge, Card, PageHeader, Spinner, type BadgeTone } from '@/components/ui';
import type { ProviderStatus } from '@/lib/integrations/catalog';
import type { ConnectionStatus, ConnectionView } from '@/lib/integrations/connections';
import { describeConnectError } from '@/lib/integrations/messages';
import { useResource } from '@/lib/ui/use-resource';
import { ConnectorSettings } from './connector-settings';
import styles from './integrations.module.css';
import { DisconnectPanel } from './disconnect-panel';

interface Integrations {
  providers: ProviderStatus[];
  connections: ConnectionView[];
}

const STATUS: Record<ConnectionStatus, { label: string; tone: BadgeTone }> = {
  active: { label: 'Connected', tone: 'green' },
  error: { label: 'Sync failing', tone: 'red' },
  reauth_required: { label: 'Needs reconnecting', tone: 'amber' },
  disconnected: { label: 'Disconnected', tone: 'gray' },
};

function ConnectionRow({ connection, provider, onChanged }: { connection: ConnectionView; provider: ProviderStatus; onChanged: (message: string) => Promise<void> }) {
  const [disconnecting, setDisconnecting] = useState(false);
  const status = STATUS[connection.status];
  const canReconnect = provider.configured && (connection.status === 'reauth_required' || connection.status === 'disconnected');
  return (
    <div className="stack" data-testid={`connection-${provider.slug}`}>
      <div className={styles.connection}>
        <div className={styles.account}>
          <div className={styles.accountName}>
            <strong>{connection.externalAccountName}</strong> <Badge tone={status.tone}>{status.label}</Badge>
          </div>
          <div className="muted">
            {connection.status === 'disconnected' ? (
              <>Connected <Time value={connection.createdAt} /></>
            ) : (
              <>
                Last sync <Time value={connection.lastSyncAt} fallback="not yet" /> · {connection.itemsSynced} {connection.itemsSynced === 1 ? 'item' : 'items'} synced
              </>
            )}
          </div>
        </div>
        <div className="form-actions">
          {canReconnect && (
            <a className="btn btn-secondary btn-sm" href={provider.connectUrl}>
              Reconnect
            </a>
          )}
          {connection.status !== 'disconnected' && !disconnecting && (
            <button type="button" className="btn btn-ghost-danger btn-sm" onClick={() => setDisconnecting(true)}>
              Disconnect
            </button>
          )}
        </div>
      </div>
      {connection.lastError && connection.status !== 'disconnected' && <Alert tone={connection.status === 'reauth_required' ? 'warning' : 'error'}>{connection.lastError}</Alert>}
      {disconnecting && <DisconnectPanel connection={connection} label={provider.label} onCancel={() => setDisconnecting(false)} onDone={onChanged} />}
      {connection.status === 'active' && !disconnecting && <ConnectorSettings connection={connection} />}
    </div>
  );
}

function ProviderCard({ provider, connections, onChanged }: { provider: ProviderStatus; connections: ConnectionView[]; onChanged: (message: string) => Promise<void> }) {
  const live = connections.some((c) => c.status !== 'disconnected');
  const action = provider.configured ? (
    <a className={`btn btn-sm ${live ? 'btn-secondary' : 'btn-primary'}`} href={provider.connectUrl}>
      {live ? 'Connect another' : 'Connect'}
    </a>
  ) : undefined;
  return (
    <Card title={provider.label} description={provider.description} actions={action}>
      <div className="stack" data-testid={`provider-${provider.slug}`}>
        {!provider.installed && <p className="muted">This connector is not part of this version of Reflex yet.</p>}
        {provider.installed && !provider.configured && (
          <Alert tone="info" title="Not set up on this server">
            {provider.label} needs an app registered with {provider.label}, whose credentials the server reads from its environment. An operator sets{' '}
            {provider.envVars.map((v, i) => (
              <span key={v}>
                {i > 0 && (i === provider.envVars.length - 1 ? ' and ' : ', ')}
                <code>{v}</code>
              </span>
            ))}{' '}
            and restarts Reflex; the README’s Integrations section says how.
          </Alert>
        )}
        {provider.configured && connections.length === 0 && <p className="muted">Not connected. Connecting takes you to {provider.label} to approve access.</p>}
        {connections.map((c) => (
          <ConnectionRow key={c.id} connection={c} provider={provider} onChanged={onChanged} />
        ))}
      </div>
    </Card>
  );
}

function OutcomeBanner({ connected, error, provider, providers }: { connected: string | null; error: string | null; provider: string | null; providers: ProviderStatus[] }) {
  const labelOf = (slug: string | null) => providers.find((p) => p.slug === slug)?.label ?? 'The integration';
  if (connected) return <Alert tone="success" title={`${labelOf(connected)} is connected`}>Its first sync starts in a moment; progress shows below.</Alert>;
  if (error) return <Alert tone="error" title={`${labelOf(provider)} was not connected`}>{describeConnectError(error)}</Alert>;
  return null;
}

// /app/settings/integrations: every provider, every connection with its sync status and errors, connect and
// disconnect. The OAuth callback lands here with ?connected=<provider> or ?error=<code>&provider=<provider>.
export function IntegrationsView({ connected, error, provider }: { connected: string | null; error: string | null; provider: string | null }) {
  const can = useCan();
  const toast = useToast();
  const allowed = can('settings:manage');
  const data = useResource<Integrations>(allowed ? '/api/v1/integrations' : null);
  const header = <PageHeader title="Integrations" description="Connect Slack, Google Drive and Asana, so Reflex works where your team already does." />;

  if (!allowed) {
    return (
      <>
        {header}
        <Alert tone="warning" title="No access">
          Integrations need the settings:manage permission.
        </Alert>
      </>
    );
  }

  async function changed(message: string) {
    toast(message);
    await data.reload();
  }

  return (
    <>
      {header}
      {data.data && <OutcomeBanner connected={connected} error={error} provider={provider} providers={data.data.providers} />}
      {data.error && <Alert tone="error">{data.error}</Alert>}
      {data.loading || !data.data ? (
        <Spinner label="Loading integrations" />
      ) : (
        data.data.providers.map((p) => (
          <ProviderCard key={p.provider} provider={p} connections={data.data?.connections.filter((c) => c.provider === p.provider) ?? []} onChanged={changed} />
        ))
      )}
    </>
  );
}
