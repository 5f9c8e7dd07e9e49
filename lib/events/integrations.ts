import { z } from 'zod';
import { INTEGRATION_PROVIDERS } from '@/lib/integrations/provider';
import { defineEvent } from './define';

// A connection was created or reconnected (the OAuth callback committed). Connectors start their first sync on it
// (filter with `if: "event.data.provider == 'slack'"`). Event id: `integration-connected-<connectionId>-<ms>`.
export const integrationConnected = defineEvent('integration/connected', {
  connectionId: z.uuid(),
  provider: z.enum(INTEGRATION_PROVIDERS),
});

// Something asked a connection to sync (a schedule, a webhook, a person). The sender picks the event id as the
// idempotency key (syncEventId in lib/integrations/sync.ts): a repeated webhook or a double click starts one run.
export const integrationSyncRequested = defineEvent('integration/sync-requested', {
  connectionId: z.uuid(),
  provider: z.enum(INTEGRATION_PROVIDERS),
  reason: z.enum(['connected', 'schedule', 'webhook', 'manual']),
  // What the provider told us changed (a Drive channel's page token, a Slack event id); connector-specific.
  hint: z.string().max(500).optional(),
});

// Something on one Asana connection needs syncing: Reflex changes waiting in the integration outbox, tasks Asana
// told us about (compact webhook events name only the gids), or the cron backstop asking to re-read modified tasks.
export const asanaSyncRequested = defineEvent('integrations/asana-sync-requested', {
  connectionId: z.uuid(),
  taskGids: z.array(z.string().min(1).max(64)).max(100).default([]),
  backstop: z.boolean().default(false),
});
