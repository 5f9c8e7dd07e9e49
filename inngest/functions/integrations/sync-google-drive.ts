import { inngest } from '@/inngest/client';
import { providerStep } from '@/inngest/integrations';
import { integrationConnected, integrationSyncRequested } from '@/lib/events/integrations';
import { beginDriveSyncRun, recordDriveSyncFailure, syncDrivePage } from '@/lib/integrations/google-drive/sync';
import { isDriveChannelDue, renewDriveChannel } from '@/lib/integrations/google-drive/watch';
import { requestSync } from '@/lib/integrations/sync';
import { logger } from '@/lib/log';

// Inngest caps a run's steps; a bigger sync carries on in a follow-up run from the cursor stored in the database.
const MAX_PAGES_PER_RUN = 200;

// One page per step: the page's work and its cursor are in the database when the step ends, so a retried step or a
// restarted run resumes at the page it was on and never ingests a file twice. One run per connection at a time;
// Google's 429/5xx wait as long as its Retry-After says (providerStep). Other providers' events end at once.
// A (re)connected Drive connection syncs at once if it already has folders (after a reconnect).
export const syncGoogleDrive = inngest.createFunction(
  {
    id: 'sync-google-drive',
    name: 'Sync a Google Drive connection',
    triggers: [integrationSyncRequested, integrationConnected],
    retries: 5,
    // PER_CONNECTION (inngest/integrations.ts) is typed as an array, which the SDK's tuple type refuses.
    concurrency: [{ key: 'event.data.connectionId', limit: 1 }],
    onFailure: async ({ event, error, step }) => {
      const parsed = integrationSyncRequested.schema.safeParse(event.data.event.data);
      if (!parsed.success || parsed.data.provider !== 'google_drive') {
        if (!parsed.success) logger.error('sync-google-drive failed for an unreadable event', { error: error.message });
        return;
      }
      const ref = { tenantId: parsed.data.tenantId, connectionId: parsed.data.connectionId };
      await step.run('record-failure', () => recordDriveSyncFailure(ref, `The last sync stopped: ${error.message}`));
    },
  },
  async ({ event, step, runId }) => {
    if (event.data.provider !== 'google_drive') return { skipped: 'not-google-drive' };
    const ref = { tenantId: event.data.tenantId, connectionId: event.data.connectionId };
    await step.run('begin', () => beginDriveSyncRun(ref));
    for (let page = 0; page < MAX_PAGES_PER_RUN; page++) {
      const progress = await step.run(`page-${page}`, () => providerStep(() => syncDrivePage(ref)));
      if (progress.done) {
        const channel = await step.run('ensure-channel', async () => ((await isDriveChannelDue(ref)) ? providerStep(() => renewDriveChannel(ref)) : 'current'));
        return { pages: page + 1, items: progress.itemsDone, channel };
      }
    }
    await step.run('continue', () => requestSync({ ...ref, provider: 'google_drive', reason: 'schedule', key: `continue:${runId}` }));
    return { pages: MAX_PAGES_PER_RUN, continued: true };
  },
);
