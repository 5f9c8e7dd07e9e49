import { and, asc, desc, eq, gte, isNotNull, lt, lte, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { conversationSchema, listConversations } from '@/lib/assistant/conversations';
import { DOCUMENT_STATUSES, documents, tasks } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { documentSummarySchema, summaryColumns, toSummary } from '@/lib/documents/views';
import { getQuotaReport, quotaReportSchema } from '@/lib/quotas/report';
import { loadColumns } from '@/lib/tasks/columns';
import { taskSchema } from '@/lib/tasks/schemas';
import { getTasks } from '@/lib/tasks/tasks';
import type { Access } from '@/lib/tenancy/access';

// GET /api/v1/dashboard: what a member sees first. Each part needs the permission its own page needs, and is null
// without it, so the dashboard never shows more than the rest of the app would.

const RECENT_DOCUMENTS = 5;
const MY_TASKS = 6;
const RECENT_CONVERSATIONS = 4;
const WEEK_DAYS = 7;

export const dashboardSchema = z
  .object({
    documents: z
      .object({
        total: z.number().int(),
        byStatus: z.record(z.enum(DOCUMENT_STATUSES), z.number().int()),
        recent: z.array(documentSummarySchema),
      })
      .nullable()
      .describe('null without documents:read'),
    tasks: z
      .object({
        open: z.number().int().describe('Tasks outside the board\'s last column (its "done" column)'),
        dueThisWeek: z.number().int().describe('Open tasks due today or in the next 6 days (UTC)'),
        overdue: z.number().int().describe('Open tasks due before today (UTC)'),
        doneColumn: z.string().nullable().describe('Name of the column that counts as finished'),
        mine: z.array(taskSchema).describe('Open tasks assigned to the caller, soonest due first'),
      })
      .nullable()
      .describe('null without tasks:read'),
    conversations: z.array(conversationSchema).nullable().describe('The caller\'s latest assistant conversations; null for an API key or without documents:read'),
    quotas: quotaReportSchema.nullable().describe('null without usage:read'),
  })
  .meta({ id: 'Dashboard' });
export type Dashboard = z.infer<typeof dashboardSchema>;

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

async function documentPart(tx: Tx): Promise<NonNullable<Dashboard['documents']>> {
  const counts = await tx.select({ status: documents.status, n: sql<number>`count(*)::int` }).from(documents).groupBy(documents.status);
  const found = new Map(counts.map((c) => [c.status, Number(c.n)]));
  // Object.fromEntries loses the keys' type; every status is set, from DOCUMENT_STATUSES itself.
  const byStatus = Object.fromEntries(DOCUMENT_STATUSES.map((s) => [s, found.get(s) ?? 0])) as Record<(typeof DOCUMENT_STATUSES)[number], number>;
  const recent = await tx.select(summaryColumns).from(documents).orderBy(desc(documents.createdAt), desc(documents.id)).limit(RECENT_DOCUMENTS);
  return { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus, recent: recent.map(toSummary) };
}

async function taskPart(tx: Tx, tenantId: string, userId: string | null, now: Date): Promise<NonNullable<Dashboard['tasks']>> {
  const columns = await loadColumns(tx, tenantId);
  // Kanban convention: the last column is where finished work goes. A one-column board has nothing finished.
  const done = columns.length > 1 ? columns[columns.length - 1] : undefined;
  const open = done ? ne(tasks.columnId, done.id) : undefined;
  const today = isoDay(now);
  const weekEnd = isoDay(new Date(now.getTime() + (WEEK_DAYS - 1) * 86_400_000));
  const [row] = await tx
    .select({
      open: sql<number>`count(*)::int`,
      dueThisWeek: sql<number>`count(*) filter (where ${and(isNotNull(tasks.dueDate), gte(tasks.dueDate, today), lte(tasks.dueDate, weekEnd))})::int`,
      overdue: sql<number>`count(*) filter (where ${and(isNotNull(tasks.dueDate), lt(tasks.dueDate, today))})::int`,
    })
    .from(tasks)
    .where(open);
  const mine = userId
    ? await tx
        .select({ id: tasks.id })
        .from(tasks)
        .where(and(eq(tasks.assigneeId, userId), open))
        .orderBy(sql`${tasks.dueDate} asc nulls last`, desc(tasks.updatedAt), asc(tasks.id))
        .limit(MY_TASKS)
    : [];
  return {
    open: Number(row?.open ?? 0),
    dueThisWeek: Number(row?.dueThisWeek ?? 0),
    overdue: Number(row?.overdue ?? 0),
    doneColumn: done?.name ?? null,
    mine: await getTasks(tx, mine.map((m) => m.id)),
  };
}

export async function getDashboard(tx: Tx, access: Access, now = new Date()): Promise<Dashboard> {
  const can = (p: Parameters<typeof access.permissions.has>[0]) => access.permissions.has(p);
  const userId = access.actor.type === 'user' ? access.actor.userId : null;
  return {
    documents: can('documents:read') ? await documentPart(tx) : null,
    tasks: can('tasks:read') ? await taskPart(tx, access.tenantId, access.actor.userId, now) : null,
    conversations: can('documents:read') && userId ? (await listConversations(tx, userId, { limit: RECENT_CONVERSATIONS })).items : null,
    quotas: can('usage:read') ? await getQuotaReport(tx, access.tenantId, now) : null,
  };
}
