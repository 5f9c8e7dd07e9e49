import { and, eq, lt } from 'drizzle-orm';
import { slackDeliveries } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';

const KEEP_MS = 24 * 60 * 60 * 1000;

// Records that something was received or sent; false when it already was (a replay, a retry, a repeated notice).
// The insert is the check, so two concurrent deliveries of the same thing cannot both pass.
export async function recordOnce(tx: Tx, tenantId: string, kind: 'signature' | 'event' | 'notice', key: string, now = new Date()): Promise<boolean> {
  const inserted = await tx.insert(slackDeliveries).values({ tenantId, kind, key, receivedAt: now }).onConflictDoNothing().returning({ key: slackDeliveries.key });
  // Signatures and event ids only matter inside Slack's retry and replay windows (minutes to an hour).
  if (inserted.length > 0 && kind !== 'notice') {
    await tx.delete(slackDeliveries).where(and(eq(slackDeliveries.kind, kind), lt(slackDeliveries.receivedAt, new Date(now.getTime() - KEEP_MS))));
  }
  return inserted.length > 0;
}
