import { NonRetriableError, RetryAfterError } from 'inngest';
import { inngest } from '@/inngest/client';
import { asanaSyncRequested } from '@/lib/events/integrations';
import { IntegrationReauthRequired, recordSyncResult } from '@/lib/integrations/connections';
import { ProviderRetryLater } from '@/lib/integrations/http';
import { listModifiedAsanaTasks, pullAsanaTask, pushAsanaOutbox } from '@/lib/integrations/asana/sync';

// Asana's rate limit answers 429 with Retry-After: the run waits exactly that long instead of backing off blindly. A
// connection that needs reconnecting stops the run without retries; its outbox waits for the reconnect.
async function honouringRetryAfter<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ProviderRetryLater) throw new RetryAfterError(err.message, Math.max(1, err.seconds) * 1000, { cause: err });
    if (err instanceof IntegrationReauthRequired) throw new NonRetriableError(err.message, { cause: err });
    throw err;
  }
}

// One connection at a time (concurrency 1 per connection): pushes wait for pulls and vice versa, so a task we are
// creating in Asana cannot come back through its webhook as a second Reflex task. Every step is idempotent
// (reconciling compares states, not deltas), so a retried or duplicated event does no harm.
export const syncAsanaConnection = inngest.createFunction(
  {
    id: 'sync-asana-connection',
    name: 'Sync tasks with Asana',
    triggers: [asanaSyncRequested],
    retries: 5,
    concurrency: [{ key: 'event.data.connectionId', limit: 1 }],
  },
  async ({ event, step }) => {
    const ref = { tenantId: event.data.tenantId, connectionId: event.data.connectionId };
    const pushed = await step.run('push-outbox', () => honouringRetryAfter(() => pushAsanaOutbox(ref)));
    const gids = event.data.backstop ? await step.run('list-modified', () => honouringRetryAfter(() => listModifiedAsanaTasks(ref))) : (event.data.taskGids ?? []);
    const outcomes: Record<string, string> = {};
    for (const gid of gids) {
      outcomes[gid] = await step.run(`pull-${gid}`, () => honouringRetryAfter(() => pullAsanaTask(ref, gid)));
    }
    const pulled = Object.values(outcomes).filter((o) => o !== 'unchanged' && o !== 'ignored').length;
    await step.run('record', () =>
      recordSyncResult(ref, { items: pushed.pushed + pulled, error: pushed.failed > 0 ? `${pushed.failed} change(s) could not be sent to Asana` : null }),
    );
    return { pushed: pushed.pushed, failed: pushed.failed, pulled };
  },
);
