import { NonRetriableError, RetryAfterError } from 'inngest';
import { inngest } from '@/inngest/client';
import { googleDriveSyncRequested } from '@/lib/events/integrations';
import { sendEvent } from '@/lib/events/send';
import { IntegrationReauthRequired } from '@/lib/integrations/connections';
import { ProviderRetryLater } from '@/lib/integrations/http';
import { beginDriveSyncRun, recordDriveSyncFailure, syncDrivePage } from '@/lib/integrations/google-drive/sync';
import { isDriveChannelDue, renewDriveChannel } from '@/lib/integrations/google-drive/watch';
import { logger } from '@/lib/log';

// Inngest caps a run's steps; a bigger sync carries on in a follow-up run from the cursor stored in the database.
const MAX_PAGES_PER_RUN = 200;

// Google's 429/5xx with Retry-After: Inngest retries the step no earlier than Google asked. A connection that needs
// reconnecting cannot succeed on retry.
async function honouringRetryAfter<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ProviderRetryLater) throw new RetryAfterError(err.message, err.seconds * 1000, { cause: err });
    if (err instanceof IntegrationReauthRequired) throw new NonRetriableError(err.message, { cause: err });
    throw err;
  }
}

// One page per step: the page's work and its cursor are in the database when the step ends, so a retried step or a
// restarted run resumes at the page it was on and never ingests a file twice. One run per connection at a time.
export const syncGoogleDrive = inngest.createFunction(
  {
    id: 'sync-google-drive',
    name: 'Sync a Google Drive connection',
    triggers: [googleDriveSyncRequested],
    retries: 5,
    concurrency: [{ key: 'event.data.connectionId', limit: 1 }],
    onFailure: async ({ event, error, step }) => {
      const parsed = googleDriveSyncRequested.schema.safeParse(event.data.event.data);
      if (!parsed.success) {
        logger.error('sync-google-drive failed for an unreadable event', { error: error.message });
        return;
      }
      const ref = { tenantId: parsed.data.tenantId, connectionId: parsed.data.connectionId };
      await step.run('record-failure', () => recordDriveSyncFailure(ref, `The last sync stopped: ${error.message}`));
    },
  },
  async ({ event, step, runId }) => {
    const ref = { tenantId: event.data.tenantId, connectionId: event.data.connectionId };
    await step.run('begin', () => beginDriveSyncRun(ref));
    for (let page = 0; page < MAX_PAGES_PER_RUN; page++) {
      const progress = await step.run(`page-${page}`, () => honouringRetryAfter(() => syncDrivePage(ref)));
      if (progress.done) {
        const channel = await step.run('ensure-channel', async () => ((await isDriveChannelDue(ref)) ? honouringRetryAfter(() => renewDriveChannel(ref)) : 'current'));
        return { pages: page + 1, items: progress.itemsDone, channel };
      }
    }
    await step.run('continue', () =>
      sendEvent(googleDriveSyncRequested, { ...ref, reason: event.data.reason }, { id: `gdrive-continue-${ref.connectionId}-${runId}` }),
    );
    return { pages: MAX_PAGES_PER_RUN, continued: true };
  },
);
