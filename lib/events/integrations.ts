import { z } from 'zod';
import { defineEvent } from './define';

// Something on one Asana connection needs syncing: Reflex changes waiting in the integration outbox, tasks Asana
// told us about (compact webhook events name only the gids), or the cron backstop asking to re-read modified tasks.
export const asanaSyncRequested = defineEvent('integrations/asana-sync-requested', {
  connectionId: z.uuid(),
  taskGids: z.array(z.string().min(1).max(64)).max(100).default([]),
  backstop: z.boolean().default(false),
});
