'use client';

import type { ConnectionView } from '@/lib/integrations/connections';

// Each connector's own settings card (components/integrations/<provider>-card.tsx, exporting
// <ProviderName>Settings({ connection })) is rendered here for an active connection. Until a connector is part of
// this build its connections show this note instead.
export function ConnectorSettings({ connection }: { connection: ConnectionView }) {
  return (
    <p className="muted" data-testid={`connector-settings-${connection.provider}`}>
      What this connection syncs is set here once its connector is installed.
    </p>
  );
}
