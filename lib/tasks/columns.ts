import { asc, eq, inArray, sql } from 'drizzle-orm';
import { boardColumns, tasks } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { isUuid } from '@/lib/db/tenant';
import { AppError, conflict, notFound } from '@/lib/http/errors';
import { publishEvent } from '@/lib/realtime/outbox';
import type { BoardColumn, PutColumnsInput } from './schemas';

export const DEFAULT_COLUMNS: readonly { key: string; name: string }[] = [
  { key: 'backlog', name: 'Backlog' },
  { key: 'todo', name: 'To do' },
  { key: 'in_progress', name: 'In progress' },
  { key: 'done', name: 'Done' },
];

// Tasks from documents land here when the board has it, else in the first column.
export const INBOX_COLUMN_KEY = 'todo';

export type ColumnRow = typeof boardColumns.$inferSelect;

function selectColumns(tx: Tx) {
  return tx.select().from(boardColumns).orderBy(asc(boardColumns.position), asc(boardColumns.createdAt));
}

// A tenant's board is created the first time anything looks at it, so tenants provisioned before this domain
// existed (or by code that does not know about it) get the default columns too. ON CONFLICT makes two
// concurrent first looks harmless.
export async function loadColumns(tx: Tx, tenantId: string): Promise<ColumnRow[]> {
  const rows = await selectColumns(tx);
  if (rows.length > 0) return rows;
  await tx
    .insert(boardColumns)
    .values(DEFAULT_COLUMNS.map((c, i) => ({ tenantId, key: c.key, name: c.name, position: i })))
    .onConflictDoNothing();
  return selectColumns(tx);
}

// `status` is a column key or a column id.
export async function resolveColumn(tx: Tx, tenantId: string, status: string): Promise<ColumnRow> {
  const columns = await loadColumns(tx, tenantId);
  const found = columns.find((c) => c.key === status) ?? (isUuid(status) ? columns.find((c) => c.id === status) : undefined);
  if (!found) {
    throw new AppError('validation_failed', `Unknown status "${status}"; use one of: ${columns.map((c) => c.key).join(', ')}`, {
      details: { issues: [{ path: 'status', message: 'not a column of this board' }] },
    });
  }
  return found;
}

export async function defaultColumn(tx: Tx, tenantId: string, preferKey?: string): Promise<ColumnRow> {
  const columns = await loadColumns(tx, tenantId);
  const chosen = (preferKey ? columns.find((c) => c.key === preferKey) : undefined) ?? columns[0];
  if (!chosen) throw new Error('board has no columns');
  return chosen;
}

async function taskCounts(tx: Tx): Promise<Map<string, number>> {
  const rows = await tx
    .select({ columnId: tasks.columnId, n: sql<number>`count(*)::int` })
    .from(tasks)
    .groupBy(tasks.columnId);
  return new Map(rows.map((r) => [r.columnId, r.n]));
}

export async function listColumns(tx: Tx, tenantId: string): Promise<{ items: BoardColumn[] }> {
  const columns = await loadColumns(tx, tenantId);
  const counts = await taskCounts(tx);
  return {
    items: columns.map((c) => ({ id: c.id, key: c.key, name: c.name, position: c.position, taskCount: counts.get(c.id) ?? 0 })),
  };
}

function keyFromName(name: string): string {
  const base = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
  return base || 'column';
}

function uniqueKey(wanted: string, taken: Set<string>): string {
  if (!taken.has(wanted)) return wanted;
  for (let i = 2; ; i++) {
    const candidate = `${wanted.slice(0, 36)}_${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function invalid(message: string, path: string): AppError {
  return new AppError('validation_failed', message, { details: { issues: [{ path, message }] } });
}

// Replaces the board with `input.columns` (in display order): keeps, renames and reorders the listed existing
// columns, adds the new ones and deletes the rest, refusing to delete a column that still holds tasks.
export async function replaceColumns(tx: Tx, tenantId: string, input: PutColumnsInput): Promise<{ items: BoardColumn[] }> {
  await loadColumns(tx, tenantId);
  // Locks the board against concurrent task placement (lib/tasks/tasks.ts locks a column before placing).
  const existing = await tx.select().from(boardColumns).orderBy(asc(boardColumns.position)).for('update');
  const byId = new Map(existing.map((c) => [c.id, c]));
  const seenIds = new Set<string>();
  const keys = new Set<string>();

  input.columns.forEach((c, i) => {
    if (!c.id) return;
    const current = byId.get(c.id);
    if (!current) throw notFound('Column');
    if (seenIds.has(c.id)) throw invalid('A column is listed twice', `columns.${i}.id`);
    if (c.key && c.key !== current.key) throw invalid('The key of an existing column cannot change; rename it instead', `columns.${i}.key`);
    seenIds.add(c.id);
    keys.add(current.key);
  });

  const removed = existing.filter((c) => !seenIds.has(c.id));
  if (removed.length > 0) {
    const counts = await taskCounts(tx);
    const busy = removed.filter((c) => (counts.get(c.id) ?? 0) > 0);
    const first = busy[0];
    if (first) {
      throw conflict(`The column "${first.name}" still holds tasks; move them before deleting it`, {
        columns: busy.map((c) => ({ id: c.id, key: c.key, taskCount: counts.get(c.id) ?? 0 })),
      });
    }
    await tx.delete(boardColumns).where(inArray(boardColumns.id, removed.map((c) => c.id)));
  }

  const now = new Date();
  for (const [i, c] of input.columns.entries()) {
    if (c.id) {
      await tx.update(boardColumns).set({ name: c.name, position: i, updatedAt: now }).where(eq(boardColumns.id, c.id));
      continue;
    }
    if (c.key && keys.has(c.key)) throw invalid(`The key "${c.key}" is used twice`, `columns.${i}.key`);
    const key = c.key ?? uniqueKey(keyFromName(c.name), keys);
    keys.add(key);
    await tx.insert(boardColumns).values({ tenantId, key, name: c.name, position: i });
  }

  const result = await listColumns(tx, tenantId);
  await publishEvent(tx, { type: 'board.columns', payload: { columns: result.items }, permission: 'tasks:read' });
  return result;
}
