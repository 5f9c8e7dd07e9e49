import { createHash } from 'node:crypto';
import { integrationConnected, integrationSyncRequested } from '@/lib/events/integrations';
import { sendEvent } from '@/lib/events/send';
import { logger } from '@/lib/log';
import type { IntegrationProvider } from './provider';

// Sync bookkeeping for connectors: how sync events are keyed (the event id is the idempotency key: Inngest and the
// local runner drop a second event with the same id), and the announcement that a connection exists.

// One run per connection per key: a webhook delivery id, a schedule's time slot, a page token. The same key always
// gives the same id, so a provider retrying its webhook starts nothing new.
export function syncEventId(connectionId: string, key: string): string {
  return `integration-sync-${connectionId}-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

export async function requestSync(input: {
  tenantId: string;
  connectionId: string;
  provider: IntegrationProvider;
  reason: 'connected' | 'schedule' | 'webhook' | 'manual';
  key: string;
  hint?: string;
}): Promise<void> {
  const { key, ...data } = input;
  await sendEvent(integrationSyncRequested, data, { id: syncEventId(input.connectionId, `${input.reason}:${key}`) });
}

// After the callback committed. A failure to announce does not undo the connection: the next scheduled sync finds it.
export async function announceConnected(input: { tenantId: string; connectionId: string; provider: IntegrationProvider }): Promise<void> {
  try {
    await sendEvent(integrationConnected, input, { id: `integration-connected-${input.connectionId}-${Date.now()}` });
  } catch (err) {
    logger.warn('could not announce a new integration connection', { provider: input.provider, error: err instanceof Error ? err.message : String(err) });
  }
}
