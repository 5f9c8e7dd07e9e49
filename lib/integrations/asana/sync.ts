import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { asanaConnections, asanaTaskLinks, integrationOutbox, memberships, taskFieldChanges, user } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { IntegrationReauthRequired, isUnauthorizedError, withAccessToken, type ConnectionRef } from '@/lib/integrations/connections';
import { ProviderRetryLater } from '@/lib/integrations/http';
import { defaultColumn } from '@/lib/tasks/columns';
import { LIMITS } from '@/lib/validation/text';
import type { Task, UpdateTaskInput } from '@/lib/tasks/schemas';
import { deleteTask, getTasks, insertTask, updateTask } from '@/lib/tasks/tasks';
import { asanaApi, type AsanaTask } from './api';
import { asanaWrite, fromAsana, fromReflex, inProject, reconcileFields, type FieldDecision, type ProjectMapping, type SyncState } from './fields';

type Link = typeof asanaTaskLinks.$inferSelect;
const OUTBOX_BATCH = 50;
const MAX_ATTEMPTS = 8;

async function loadMapping(tx: Tx, connectionId: string): Promise<ProjectMapping | null> {
  const [c] = await tx.select().from(asanaConnections).where(eq(asanaConnections.connectionId, connectionId)).limit(1);
  if (!c?.projectGid) return null;
  return { projectGid: c.projectGid, sectionMap: c.sectionMap, doneColumnId: c.doneColumnId };
}

async function memberByEmail(tx: Tx, email: string | null): Promise<string | null> {
  if (!email) return null;
  const [row] = await tx
    .select({ id: user.id })
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId))
    .where(sql`lower(${user.email}) = ${email}`)
    .limit(1);
  return row?.id ?? null;
}

async function recordConflicts(tx: Tx, tenantId: string, taskId: string, conflicts: FieldDecision[]): Promise<void> {
  if (conflicts.length === 0) return;
  await tx.insert(taskFieldChanges).values(
    conflicts.map((c) => ({
      tenantId,
      taskId,
      field: c.field,
      source: c.winner,
      value: c.value,
      losingSource: c.loser ?? c.winner,
      losingValue: c.losingValue,
    })),
  );
}

// Writes `target` to the Reflex task (as this connection, so it is not pushed back) and makes it the agreed state.
async function applyToReflex(tx: Tx, ref: ConnectionRef, task: Task, target: SyncState, link: { id: string }, asanaModifiedAt: string): Promise<void> {
  const current = fromReflex(task);
  const input: Partial<UpdateTaskInput> = {};
  if (target.title !== current.title) input.title = target.title;
  if (target.description !== current.description) input.description = target.description;
  if (target.dueDate !== current.dueDate) input.dueDate = target.dueDate;
  if (target.assignee !== current.assignee) input.assigneeId = await memberByEmail(tx, target.assignee);
  if (target.column !== current.column && target.column) input.status = target.column;
  if (Object.keys(input).length > 0) {
    await updateTask(tx, { tenantId: ref.tenantId, userId: null }, task.id, { ...input, version: task.version }, { syncOrigin: ref.connectionId });
  }
  // An Asana assignee who is not a member here stays unassigned in Reflex; the agreed value is what Reflex holds.
  const agreed = input.assigneeId === null && target.assignee !== null ? { ...target, assignee: null } : target;
  await tx
    .update(asanaTaskLinks)
    .set({ synced: { ...agreed }, reflexChangedAt: {}, asanaModifiedAt: new Date(asanaModifiedAt), updatedAt: new Date() })
    .where(eq(asanaTaskLinks.id, link.id));
}

async function pushToAsana(token: string, mapping: ProjectMapping, gid: string, target: SyncState, current: SyncState): Promise<AsanaTask | null> {
  const write = asanaWrite(target, current, mapping);
  let result: AsanaTask | null = null;
  if (write.section) await asanaApi.moveToSection(token, write.section, gid);
  if (Object.keys(write.fields).length > 0) result = await asanaApi.updateTask(token, gid, write.fields);
  // Moving between sections changes modified_at too: read it back so our own move is not taken for Asana's change.
  if (write.section) result = await asanaApi.task(token, gid);
  return result;
}

// Brings one linked pair to agreement, field by field, then records it. Asana is written first: if the Reflex write
// then fails on a concurrent edit, that edit's own outbox row reconciles again.
async function reconcile(ref: ConnectionRef, token: string, mapping: ProjectMapping, link: Link, task: Task, remote: AsanaTask): Promise<void> {
  const reflex = fromReflex(task);
  const asana = fromAsana(remote, mapping, link.synced.column === undefined ? reflex.column : (link.synced.column as string | null));
  const { target, conflicts } = reconcileFields(link.synced as Partial<SyncState>, reflex, asana, link.reflexChangedAt, remote.modified_at);
  const pushed = await pushToAsana(token, mapping, remote.gid, target, asana);
  const modifiedAt = pushed?.modified_at ?? remote.modified_at;
  await withTenant(ref.tenantId, async (tx) => {
    const [fresh] = await getTasks(tx, [task.id]);
    if (!fresh) return;
    await applyToReflex(tx, ref, fresh, target, link, modifiedAt);
    await recordConflicts(tx, ref.tenantId, task.id, conflicts);
  });
}

async function createInAsana(ref: ConnectionRef, token: string, mapping: ProjectMapping, task: Task): Promise<void> {
  const state = fromReflex(task);
  const write = asanaWrite(state, null, mapping);
  const created = await asanaApi.createTask(token, mapping.projectGid, write.section, write.fields);
  await withTenant(ref.tenantId, (tx) =>
    tx
      .insert(asanaTaskLinks)
      .values({ tenantId: ref.tenantId, connectionId: ref.connectionId, taskId: task.id, asanaGid: created.gid, asanaModifiedAt: new Date(created.modified_at), synced: { ...state } })
      .onConflictDoNothing(),
  );
}

async function createInReflex(ref: ConnectionRef, mapping: ProjectMapping, remote: AsanaTask): Promise<void> {
  await withTenant(ref.tenantId, async (tx) => {
    const fallback = (await defaultColumn(tx, ref.tenantId)).id;
    const state = fromAsana(remote, mapping, fallback);
    const assigneeId = await memberByEmail(tx, state.assignee);
    const task = await insertTask(
      tx,
      { tenantId: ref.tenantId, userId: null },
      { title: state.title.trim().slice(0, LIMITS.taskTitle) || 'Untitled Asana task', description: state.description.slice(0, 20_000), status: state.column ?? fallback, dueDate: state.dueDate, assigneeId },
      { syncOrigin: ref.connectionId },
    );
    if (!task) return;
    const agreed = { ...fromReflex(task) };
    await tx
      .insert(asanaTaskLinks)
      .values({ tenantId: ref.tenantId, connectionId: ref.connectionId, taskId: task.id, asanaGid: remote.gid, origin: 'asana', asanaModifiedAt: new Date(remote.modified_at), synced: agreed })
      .onConflictDoNothing();
  });
}

async function loadPair(ref: ConnectionRef, where: { gid: string } | { taskId: string }) {
  return withTenant(ref.tenantId, async (tx) => {
    const mapping = await loadMapping(tx, ref.connectionId);
    const cond = 'gid' in where ? eq(asanaTaskLinks.asanaGid, where.gid) : eq(asanaTaskLinks.taskId, where.taskId);
    const [link] = await tx.select().from(asanaTaskLinks).where(and(eq(asanaTaskLinks.connectionId, ref.connectionId), cond)).limit(1);
    const taskId = link?.taskId ?? ('taskId' in where ? where.taskId : null);
    const [task] = taskId ? await getTasks(tx, [taskId]) : [];
    return { mapping, link: link ?? null, task: task ?? null };
  });
}

// Asana → Reflex for one task gid (a webhook event or the backstop named it).
export async function pullAsanaTask(ref: ConnectionRef, gid: string): Promise<'applied' | 'unchanged' | 'ignored' | 'deleted' | 'created'> {
  const { mapping, link, task } = await loadPair(ref, { gid });
  if (!mapping) return 'ignored';
  return withAccessToken(ref, async (token) => {
    const remote = await asanaApi.task(token, gid);
    if (!remote) {
      if (!link || !task) return 'ignored';
      await withTenant(ref.tenantId, (tx) => deleteTask(tx, task.id, { syncOrigin: ref.connectionId }));
      return 'deleted';
    }
    // Taken out of the project in Asana: the Reflex task stays, no longer linked.
    if (!inProject(remote, mapping.projectGid)) {
      if (!link) return 'ignored';
      await withTenant(ref.tenantId, (tx) => tx.delete(asanaTaskLinks).where(eq(asanaTaskLinks.id, link.id)));
      return 'deleted';
    }
    if (!link || !task) {
      if (link) return 'ignored';
      await createInReflex(ref, mapping, remote);
      return 'created';
    }
    // Our own push coming back (or an older delivery): nothing Asana changed since we last agreed.
    if (link.asanaModifiedAt && Date.parse(remote.modified_at) <= link.asanaModifiedAt.getTime()) return 'unchanged';
    await reconcile(ref, token, mapping, link, task, remote);
    return 'applied';
  });
}

async function pushOne(ref: ConnectionRef, token: string, row: typeof integrationOutbox.$inferSelect): Promise<void> {
  if (row.op === 'delete') {
    if (row.externalId) await asanaApi.deleteTask(token, row.externalId);
    return;
  }
  const { mapping, link, task } = await loadPair(ref, { taskId: row.taskId });
  if (!mapping || !task) return;
  if (!link) return createInAsana(ref, token, mapping, task);
  const remote = await asanaApi.task(token, link.asanaGid);
  if (!remote) return;
  await reconcile(ref, token, mapping, link, task, remote);
}

// Reflex → Asana: drains this connection's outbox in order. A rate limit or a refused token stops the drain and
// propagates (the Inngest function retries after Retry-After; withAccessToken refreshes); any other failure is recorded on the row, which is retried on the
// next drain until MAX_ATTEMPTS.
export async function pushAsanaOutbox(ref: ConnectionRef): Promise<{ pushed: number; failed: number }> {
  const rows = await withTenant(ref.tenantId, (tx) =>
    tx
      .select()
      .from(integrationOutbox)
      .where(and(eq(integrationOutbox.connectionId, ref.connectionId), isNull(integrationOutbox.processedAt), sql`${integrationOutbox.attempts} < ${MAX_ATTEMPTS}`))
      .orderBy(asc(integrationOutbox.createdAt))
      .limit(OUTBOX_BATCH),
  );
  if (rows.length === 0) return { pushed: 0, failed: 0 };
  let pushed = 0;
  let failed = 0;
  await withAccessToken(ref, async (token) => {
    for (const row of rows) {
      let error: string | null = null;
      try {
        await pushOne(ref, token, row);
        pushed++;
      } catch (err) {
        // Not this row's fault: the whole drain waits (rate limit) or the token is refreshed / the connection stops.
        if (err instanceof ProviderRetryLater || err instanceof IntegrationReauthRequired || isUnauthorizedError(err)) throw err;
        error = err instanceof Error ? err.message : String(err);
        failed++;
      }
      await withTenant(ref.tenantId, (tx) =>
        tx
          .update(integrationOutbox)
          .set(error === null ? { processedAt: new Date(), lastError: null } : { attempts: sql`${integrationOutbox.attempts} + 1`, lastError: error.slice(0, 500) })
          .where(eq(integrationOutbox.id, row.id)),
      );
    }
  });
  return { pushed, failed };
}

// The backstop: gids of project tasks Asana says changed since the last sweep (webhooks can be lost or disabled).
export async function listModifiedAsanaTasks(ref: ConnectionRef): Promise<string[]> {
  const state = await withTenant(ref.tenantId, async (tx) => {
    const [c] = await tx.select().from(asanaConnections).where(eq(asanaConnections.connectionId, ref.connectionId)).limit(1);
    return c ?? null;
  });
  if (!state?.projectGid) return [];
  const projectGid = state.projectGid;
  const since = state.modifiedSince ?? new Date(Date.now() - 24 * 3600_000);
  const startedAt = new Date();
  const modified = await withAccessToken(ref, (token) => asanaApi.modifiedTasks(token, projectGid, since));
  await withTenant(ref.tenantId, (tx) =>
    tx.update(asanaConnections).set({ modifiedSince: startedAt, updatedAt: new Date() }).where(eq(asanaConnections.connectionId, ref.connectionId)),
  );
  return modified.map((t) => t.gid);
}

