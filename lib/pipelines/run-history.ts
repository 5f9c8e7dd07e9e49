import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { runnerEvents, runnerRuns, type RunStatus } from '@/lib/db/schema/runner';

// The local pipeline runner keeps its history (event payloads, step results, which can carry document text) in
// platform tables. Erasure removes what belongs to, or mentions, a tenant or person. With Inngest configured these
// tables stay empty and these are no-ops; Inngest keeps its own history under its retention.

export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

// Tenant erasure: finished runs and routed events of the tenant. Unfinished runs are left to end on their own:
// their steps find the tenant gone.
export async function purgeTenantHistory(tenantId: string): Promise<{ runs: number; events: number }> {
  const db = await getDb();
  // runner_steps cascade from runner_runs.
  const runs = await db
    .delete(runnerRuns)
    .where(and(eq(runnerRuns.ownerTenant, tenantId), inArray(runnerRuns.status, [...FINISHED_STATUSES])))
    .returning({ id: runnerRuns.id });
  const events = await db
    .delete(runnerEvents)
    .where(and(eq(runnerEvents.ownerTenant, tenantId), sql`${runnerEvents.routedAt} is not null`))
    .returning({ id: runnerEvents.id });
  return { runs: runs.length, events: events.length };
}

// Member erasure: finished runs and routed events of the tenant whose payloads or step results mention the person
// (their id, email or name) go; other runs stay.
export async function purgeRunHistoryMentioning(tenantId: string, needles: readonly string[]): Promise<{ runs: number; events: number }> {
  if (needles.length === 0) return { runs: 0, events: 0 };
  const db = await getDb();
  const mentions = (text: SQL) => sql.join(needles.map((n) => sql`strpos(${text}, ${n}) > 0`), sql` or `);
  const stepText = sql`(select coalesce(string_agg(coalesce(s.data::text, '') || coalesce(s.error::text, ''), ''), '') from runner_steps s where s.run_id = ${runnerRuns.id})`;
  const runText = sql`(${runnerRuns.event}::text || coalesce(${runnerRuns.output}::text, '') || coalesce(${runnerRuns.error}::text, '') || ${stepText})`;
  const runs = await db
    .delete(runnerRuns)
    .where(and(eq(runnerRuns.ownerTenant, tenantId), inArray(runnerRuns.status, [...FINISHED_STATUSES]), sql`(${mentions(runText)})`))
    .returning({ id: runnerRuns.id });
  const events = await db
    .delete(runnerEvents)
    .where(and(eq(runnerEvents.ownerTenant, tenantId), sql`${runnerEvents.routedAt} is not null`, sql`(${mentions(sql`${runnerEvents.payload}::text`)})`))
    .returning({ id: runnerEvents.id });
  return { runs: runs.length, events: events.length };
}
