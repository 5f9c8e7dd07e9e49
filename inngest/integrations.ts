import { NonRetriableError, RetryAfterError } from 'inngest';
import { z } from 'zod';
import { IntegrationReauthRequired, recordSyncResult } from '@/lib/integrations/connections';
import { ProviderRetryLater } from '@/lib/integrations/http';

// Shared by the connectors' sync functions (inngest/functions/integrations/sync-<provider>-….ts). The pattern:
//
//   export const syncAsanaProjects = inngest.createFunction(
//     {
//       id: 'sync-asana-projects',
//       triggers: [integrationSyncRequested, integrationConnected],
//       // `if` on a trigger, or return early when event.data.provider is not yours.
//       concurrency: PER_CONNECTION,          // one run per connection at a time
//       retries: 5,
//     },
//     async ({ event, step }) => {
//       const ref = { tenantId: event.data.tenantId, connectionId: event.data.connectionId };
//       const page = await step.run('fetch-page', () =>
//         providerStep(() => withAccessToken(ref, (token) => fetchChangedTasks(token, cursor))));
//       await step.run('store', () => storeTasks(ref, page));            // idempotent upserts by external id
//       await step.run('record', () => recordSyncResult(ref, { items: page.count, cursor: page.next }));
//     },
//   );
//
// with `onFailure: ({ event, error }) => recordSyncFailure(event.data.event.data, error.message)`.
//
// Idempotency: send integrationSyncRequested with requestSync() (lib/integrations/sync.ts), whose event id is derived
// from the connection and a key (webhook delivery id, schedule slot); the same id is dropped by Inngest and by the
// local runner.

export const PER_CONNECTION: [{ key: string; limit: number }] = [{ key: 'event.data.connectionId', limit: 1 }];

// A provider's "not now" (429, 5xx with Retry-After) waits exactly as long as it asked; a connection that needs a
// reconnect stops the run without retries (nothing will change until a person reconnects).
export async function providerStep<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ProviderRetryLater) throw new RetryAfterError(err.message, err.seconds * 1000, { cause: err });
    if (err instanceof IntegrationReauthRequired) throw new NonRetriableError(err.message, { cause: err });
    throw err;
  }
}

const syncTargetSchema = z.object({ tenantId: z.uuid(), connectionId: z.uuid() });

// For onFailure (its event wraps the original one): the run gave up, and the settings page says why.
export async function recordSyncFailure(originalEventData: unknown, message: string): Promise<void> {
  const parsed = syncTargetSchema.safeParse(originalEventData);
  if (!parsed.success) return;
  await recordSyncResult(parsed.data, { error: message });
}
