'use client';

import type { ConnectionView } from '@/lib/integrations/connections';
import { AsanaSettings } from './asana-card';
import { GoogleDriveSettings } from './google-drive-card';
import { SlackSettings } from './slack-card';

// Each connector's own settings card (components/integrations/<provider>-card.tsx) for an active connection.
export function ConnectorSettings({ connection }: { connection: ConnectionView }) {
  switch (connection.provider) {
    case 'slack':
      return <SlackSettings connection={connection} />;
    case 'google_drive':
      return <GoogleDriveSettings connection={connection} />;
    case 'asana':
      return <AsanaSettings connection={connection} />;
  }
}
