import { and, eq, isNotNull, ne, sql } from 'drizzle-orm';
import { asanaConnections, asanaTaskLinks, integrationConnections, integrationOutbox } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { asanaSyncRequested } from '@/lib/events/integrations';
import { sendEvent } from '@/lib/events/send';
import { logger } from '@/lib/log';

// Fields of a task that providers sync, by the names lib/integrations/asana/sync.ts compares.
export type SyncedField = 'title' | 'description' | 'dueDate' | 'assignee' | 'column';

export interface TaskChange {
  op: 'upsert' | 'delete';
  taskId: string;
  fields: readonly SyncedField[];
}

// Who made a change: a person or pipeline (null), or a connection applying what its provider said, whose change
// must not be pushed back to that same provider.
export interface TaskChangeOptions {
  syncOrigin?: string | null;
}

// Called by lib/tasks inside the task change's own transaction, so an outbox row exists if and only if the change
// commits. Deletes are recorded before the task's links disappear with it, keeping the provider's id.
export async function recordTaskChange(tx: Tx, tenantId: string, change: TaskChange, opts: TaskChangeOptions = {}): Promise<void> {
  // Labels and order within a column are not synced: such an update has nothing to push.
  if (change.op === 'upsert' && change.fields.length === 0) return;
  const origin = opts.syncOrigin ?? null;
  const connections = await tx
    .select({ connectionId: asanaConnections.connectionId })
    .from(asanaConnections)
    .innerJoin(integrationConnections, eq(integrationConnections.id, asanaConnections.connectionId))
    // A connection waiting to be reconnected keeps collecting changes (pushed once it works again); a disconnected one does not.
    .where(and(isNotNull(asanaConnections.projectGid), ne(integrationConnections.status, 'disconnected'), origin ? ne(asanaConnections.connectionId, origin) : undefined));
  if (connections.length === 0) return;

  const links = await tx
    .select({ connectionId: asanaTaskLinks.connectionId, asanaGid: asanaTaskLinks.asanaGid })
    .from(asanaTaskLinks)
    .where(eq(asanaTaskLinks.taskId, change.taskId));
  const gidOf = new Map(links.map((l) => [l.connectionId, l.asanaGid]));

  if (change.op === 'upsert' && change.fields.length > 0) {
    const now = new Date().toISOString();
    const stamps = Object.fromEntries(change.fields.map((f) => [f, now]));
    await tx
      .update(asanaTaskLinks)
      .set({ reflexChangedAt: sql`${asanaTaskLinks.reflexChangedAt} || ${JSON.stringify(stamps)}::jsonb`, updatedAt: new Date() })
      .where(and(eq(asanaTaskLinks.taskId, change.taskId), origin ? ne(asanaTaskLinks.connectionId, origin) : undefined));
  }

  for (const { connectionId } of connections) {
    const externalId = gidOf.get(connectionId) ?? null;
    // A task that never reached this provider has nothing there to delete.
    if (change.op === 'delete' && externalId === null) continue;
    const [row] = await tx
      .insert(integrationOutbox)
      .values({ tenantId, connectionId, provider: 'asana', taskId: change.taskId, op: change.op, externalId })
      .returning({ id: integrationOutbox.id });
    if (!row) continue;
    // Announced now rather than after commit (lib/tasks has no after-commit hook): a push that starts before the
    // commit finds nothing yet, and the sweep (sweep-asana-connections) picks the row up on its next run.
    await sendEvent(asanaSyncRequested, { tenantId, connectionId, taskGids: [], backstop: false }, { id: `asana-outbox-${row.id}` }).catch((err: unknown) =>
      logger.warn('asana outbox: sync event not sent; the sweep will push it', { error: err instanceof Error ? err.message : String(err) }),
    );
  }
}
