import { and, arrayContains, asc, desc, eq, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { boardColumns, documents, memberships, tasks, user } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { AppError, conflict, notFound } from '@/lib/http/errors';
import { decodeCursor, toPage } from '@/lib/http/pagination';
import { recordTaskChange, type SyncedField, type TaskChangeOptions } from '@/lib/integrations/task-outbox';
import { publishEvent } from '@/lib/realtime/outbox';
import { defaultColumn, resolveColumn, type ColumnRow } from './columns';
import { rankBetween } from './rank';
import type { CreateTaskInput, ListTasksQuery, Task, UpdateTaskInput } from './schemas';

// Who is acting, for created_by and `assignee=me`. API keys act as the member who created them (or nobody).
export interface TaskActor {
  tenantId: string;
  userId: string | null;
}

const byRank = sql`${tasks.rank} collate "C"`;

function selectTasks(tx: Tx) {
  return tx
    .select({
      task: tasks,
      columnKey: boardColumns.key,
      assigneeName: user.name,
      assigneeEmail: user.email,
      sourceTitle: documents.title,
    })
    .from(tasks)
    .innerJoin(boardColumns, eq(boardColumns.id, tasks.columnId))
    .leftJoin(user, eq(user.id, tasks.assigneeId))
    .leftJoin(documents, eq(documents.id, tasks.sourceDocumentId));
}

type TaskRow = Awaited<ReturnType<ReturnType<typeof selectTasks>['limit']>>[number];

function toTask(r: TaskRow): Task {
  const t = r.task;
  return {
    id: t.id,
    title: t.title,
    description: t.description,
    status: r.columnKey,
    columnId: t.columnId,
    rank: t.rank,
    assigneeId: t.assigneeId,
    // A former member's name is no longer readable under RLS; the id stays until someone reassigns.
    assignee: t.assigneeId && r.assigneeName !== null && r.assigneeEmail !== null ? { id: t.assigneeId, name: r.assigneeName, email: r.assigneeEmail } : null,
    dueDate: t.dueDate,
    labels: t.labels,
    source:
      t.sourceDocumentId !== null && t.actionIndex !== null
        ? { documentId: t.sourceDocumentId, actionIndex: t.actionIndex, documentTitle: r.sourceTitle, quote: t.sourceQuote }
        : null,
    version: t.version,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

export async function getTask(tx: Tx, id: string): Promise<Task> {
  const [row] = await selectTasks(tx).where(eq(tasks.id, id)).limit(1);
  if (!row) throw notFound('Task');
  return toTask(row);
}

// The given tasks, in the given order (ids that are not visible are left out).
export async function getTasks(tx: Tx, ids: readonly string[]): Promise<Task[]> {
  if (ids.length === 0) return [];
  const rows = await selectTasks(tx).where(inArray(tasks.id, [...ids]));
  const byId = new Map(rows.map((r) => [r.task.id, toTask(r)]));
  return ids.map((id) => byId.get(id)).filter((t): t is Task => t !== undefined);
}

export async function listTasks(tx: Tx, actor: TaskActor, query: ListTasksQuery): Promise<{ items: Task[]; nextCursor: string | null }> {
  const c = decodeCursor(query.cursor);
  const where: (SQL | undefined)[] = [];
  if (c) where.push(or(lt(tasks.createdAt, new Date(c.t)), and(eq(tasks.createdAt, new Date(c.t)), lt(tasks.id, c.id))));
  if (query.status) where.push(eq(tasks.columnId, (await resolveColumn(tx, actor.tenantId, query.status)).id));
  if (query.assignee === 'none') where.push(isNull(tasks.assigneeId));
  else if (query.assignee === 'me') where.push(actor.userId ? eq(tasks.assigneeId, actor.userId) : sql`false`);
  else if (query.assignee) where.push(eq(tasks.assigneeId, query.assignee));
  if (query.label) where.push(arrayContains(tasks.labels, [query.label]));
  if (query.document === 'none') where.push(isNull(tasks.sourceDocumentId));
  else if (query.document) where.push(eq(tasks.sourceDocumentId, query.document));
  const rows = await selectTasks(tx)
    .where(and(...where))
    .orderBy(desc(tasks.createdAt), desc(tasks.id))
    .limit(query.limit + 1);
  const page = toPage(
    rows.map((r) => ({ row: r, createdAt: r.task.createdAt, id: r.task.id })),
    query.limit,
  );
  return { items: page.items.map((p) => toTask(p.row)), nextCursor: page.nextCursor };
}

// Assignees must be members of this tenant: checked inside the tenant transaction, so RLS answers the question.
async function assertMember(tx: Tx, userId: string): Promise<void> {
  const [m] = await tx.select({ id: memberships.id }).from(memberships).where(eq(memberships.userId, userId)).limit(1);
  if (!m) {
    throw new AppError('validation_failed', 'assigneeId is not a member of this organization', {
      details: { issues: [{ path: 'assigneeId', message: 'not a member of this organization' }] },
    });
  }
}

// Computes the rank for slot `position` (end of column when undefined) with the column row locked, so two
// placements in one column never compute the same rank.
async function placeInColumn(tx: Tx, column: ColumnRow, position: number | undefined, excludeTaskId?: string): Promise<string> {
  const [locked] = await tx.select({ id: boardColumns.id }).from(boardColumns).where(eq(boardColumns.id, column.id)).for('update');
  if (!locked) throw notFound('Column');
  const inColumn = and(eq(tasks.columnId, column.id), excludeTaskId ? ne(tasks.id, excludeTaskId) : undefined);
  const last = async () => {
    const [row] = await tx.select({ rank: tasks.rank }).from(tasks).where(inColumn).orderBy(desc(byRank), desc(tasks.id)).limit(1);
    return row?.rank ?? null;
  };
  if (position === undefined) return rankBetween(await last(), null);
  const neighbours = await tx
    .select({ rank: tasks.rank })
    .from(tasks)
    .where(inColumn)
    .orderBy(asc(byRank), asc(tasks.id))
    .offset(Math.max(0, position - 1))
    .limit(2);
  if (position === 0) return rankBetween(null, neighbours[0]?.rank ?? null);
  const before = neighbours[0]?.rank;
  if (before === undefined) return rankBetween(await last(), null);
  return rankBetween(before, neighbours[1]?.rank ?? null);
}

function taskPayload(task: Task): { task: Task } {
  return { task };
}

export async function createTask(tx: Tx, actor: TaskActor, input: CreateTaskInput): Promise<Task> {
  const task = await insertTask(tx, actor, input);
  if (!task) throw conflict('A task already exists for this document action item');
  return task;
}

// Null when the task's (document, action item) pair already has a task: the idempotent path for pipelines.
export async function insertTask(
  tx: Tx,
  actor: TaskActor,
  input: CreateTaskInput,
  opts: { preferColumnKey?: string } & TaskChangeOptions = {},
): Promise<Task | null> {
  const column = input.status
    ? await resolveColumn(tx, actor.tenantId, input.status)
    : await defaultColumn(tx, actor.tenantId, opts.preferColumnKey);
  if (input.assigneeId) await assertMember(tx, input.assigneeId);
  const rank = await placeInColumn(tx, column, input.position);
  const inserted = await tx
    .insert(tasks)
    .values({
      tenantId: actor.tenantId,
      title: input.title,
      description: input.description,
      columnId: column.id,
      rank,
      assigneeId: input.assigneeId ?? null,
      dueDate: input.dueDate ?? null,
      labels: input.labels ?? [],
      sourceDocumentId: input.source?.documentId ?? null,
      actionIndex: input.source?.actionIndex ?? null,
      sourceQuote: input.source?.quote ?? null,
      createdBy: actor.userId,
    })
    .onConflictDoNothing()
    .returning({ id: tasks.id });
  const id = inserted[0]?.id;
  if (!id) return null;
  const task = await getTask(tx, id);
  await recordTaskChange(tx, actor.tenantId, { op: 'upsert', taskId: id, fields: ['title', 'description', 'dueDate', 'assignee', 'column'] }, opts);
  await publishEvent(tx, { type: 'task.created', payload: taskPayload(task), permission: 'tasks:read' });
  return task;
}

function staleVersion(current: Task): AppError {
  return conflict(`This task was changed by someone else (now at version ${current.version}); reload and try again`, { task: current });
}

export async function updateTask(tx: Tx, actor: TaskActor, id: string, input: UpdateTaskInput, opts: TaskChangeOptions = {}): Promise<Task> {
  const current = await getTask(tx, id);
  if (current.version !== input.version) throw staleVersion(current);

  const changes: Partial<typeof tasks.$inferInsert> = {};
  if (input.title !== undefined) changes.title = input.title;
  if (input.description !== undefined) changes.description = input.description;
  if (input.dueDate !== undefined) changes.dueDate = input.dueDate;
  if (input.labels !== undefined) changes.labels = input.labels;
  if (input.assigneeId !== undefined) {
    if (input.assigneeId) await assertMember(tx, input.assigneeId);
    changes.assigneeId = input.assigneeId;
  }
  let moved = false;
  if (input.status !== undefined || input.position !== undefined) {
    const column = input.status !== undefined ? await resolveColumn(tx, actor.tenantId, input.status) : await resolveColumn(tx, actor.tenantId, current.columnId);
    const sameColumn = column.id === current.columnId;
    // Changing column without a slot appends; staying in the column without a slot keeps the place.
    if (!sameColumn || input.position !== undefined) {
      changes.columnId = column.id;
      changes.rank = await placeInColumn(tx, column, input.position, id);
      moved = true;
    }
  }

  const [updated] = await tx
    .update(tasks)
    .set({ ...changes, version: sql`${tasks.version} + 1`, updatedAt: new Date() })
    .where(and(eq(tasks.id, id), eq(tasks.version, input.version)))
    .returning({ id: tasks.id });
  // Another transaction committed between our read and our write: the version check in the WHERE caught it.
  if (!updated) throw staleVersion(await getTask(tx, id));
  const task = await getTask(tx, id);
  await recordTaskChange(tx, actor.tenantId, { op: 'upsert', taskId: id, fields: syncedFields(current, task) }, opts);
  await publishEvent(tx, { type: moved ? 'task.moved' : 'task.updated', payload: taskPayload(task), permission: 'tasks:read' });
  return task;
}

// Which of the fields integrations sync this update changed (a re-save of the same value changes nothing).
function syncedFields(before: Task, after: Task): SyncedField[] {
  const fields: SyncedField[] = [];
  if (before.title !== after.title) fields.push('title');
  if (before.description !== after.description) fields.push('description');
  if (before.dueDate !== after.dueDate) fields.push('dueDate');
  if (before.assigneeId !== after.assigneeId) fields.push('assignee');
  if (before.columnId !== after.columnId) fields.push('column');
  return fields;
}

export async function deleteTask(tx: Tx, id: string, opts: TaskChangeOptions = {}): Promise<void> {
  const [existing] = await tx.select({ tenantId: tasks.tenantId }).from(tasks).where(eq(tasks.id, id)).limit(1);
  if (!existing) throw notFound('Task');
  await recordTaskChange(tx, existing.tenantId, { op: 'delete', taskId: id, fields: [] }, opts);
  const [deleted] = await tx.delete(tasks).where(eq(tasks.id, id)).returning({ id: tasks.id, version: tasks.version });
  if (!deleted) throw notFound('Task');
  await publishEvent(tx, { type: 'task.deleted', payload: { id: deleted.id, version: deleted.version }, permission: 'tasks:read' });
}
