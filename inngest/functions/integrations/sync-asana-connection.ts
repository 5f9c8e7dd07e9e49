import { inngest } from '@/inngest/client';
import { providerStep, recordSyncFailure } from '@/inngest/integrations';
import { asanaSyncRequested } from '@/lib/events/integrations';
import { recordSyncResult } from '@/lib/integrations/connections';
import { listModifiedAsanaTasks, pullAsanaTask, pushAsanaOutbox } from '@/lib/integrations/asana/sync';

// One connection at a time (concurrency 1 per connection): pushes wait for pulls and vice versa, so a task we are
// creating in Asana cannot come back through its webhook as a second Reflex task. Every step is idempotent
// (reconciling compares states, not deltas), so a retried or duplicated event does no harm. Asana's 429 waits for
// its Retry-After (providerStep); a connection that needs reconnecting stops the run, its outbox kept for later.
export const syncAsanaConnection = inngest.createFunction(
  {
    id: 'sync-asana-connection',
    name: 'Sync tasks with Asana',
    triggers: [asanaSyncRequested],
    retries: 5,
    concurrency: [{ key: 'event.data.connectionId', limit: 1 }],
    onFailure: ({ event, error }) => recordSyncFailure(event.data.event.data, error.message),
  },
  async ({ event, step }) => {
    const ref = { tenantId: event.data.tenantId, connectionId: event.data.connectionId };
    const pushed = await step.run('push-outbox', () => providerStep(() => pushAsanaOutbox(ref)));
    const gids = event.data.backstop ? await step.run('list-modified', () => providerStep(() => listModifiedAsanaTasks(ref))) : (event.data.taskGids ?? []);
    const outcomes: Record<string, string> = {};
    for (const gid of gids) {
      outcomes[gid] = await step.run(`pull-${gid}`, () => providerStep(() => pullAsanaTask(ref, gid)));
    }
    const pulled = Object.values(outcomes).filter((o) => o !== 'unchanged' && o !== 'ignored').length;
    await step.run('record', () =>
      recordSyncResult(ref, { items: pushed.pushed + pulled, error: pushed.failed > 0 ? `${pushed.failed} change(s) could not be sent to Asana` : null }),
    );
    return { pushed: pushed.pushed, failed: pushed.failed, pulled };
  },
);
