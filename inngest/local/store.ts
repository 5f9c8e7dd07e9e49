import { and, asc, desc, eq, inArray, isNull, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { queryRows } from '@/lib/db/sql';
import {
  runnerCron,
  runnerEvents,
  runnerRuns,
  runnerSteps,
  UNFINISHED_RUN_STATUSES,
  type RunnerEventPayload,
  type RunStatus,
} from '@/lib/db/schema/runner';

// Every query of the local runner. Platform tables through getDb() directly; transactions here are short and never
// span a call into the serve handler (PGlite has one connection).

export type RunRow = typeof runnerRuns.$inferSelect;
export type StepRow = typeof runnerSteps.$inferSelect;
export type NewRun = typeof runnerRuns.$inferInsert;
export type StepWrite = typeof runnerSteps.$inferInsert & { keepExisting?: boolean };

export interface RunFilter {
  runId?: string;
  eventId?: string;
  functionId?: string;
  tenantId?: string;
  // Matches runs whose triggering event's data contains these values.
  eventData?: Record<string, unknown>;
  status?: RunStatus[];
}

export interface RunChanges {
  status?: RunStatus;
  attempt?: number;
  readyAt?: Date | null;
  output?: unknown;
  error?: unknown;
  endedAt?: Date;
  appendStack?: string[];
  steps?: StepWrite[];
  events?: RunnerEventPayload[];
}

const unfinished = inArray(runnerRuns.status, [...UNFINISHED_RUN_STATUSES]);

export function isUnfinished(status: RunStatus): boolean {
  return UNFINISHED_RUN_STATUSES.some((s) => s === status);
}

function filterSql(filter: RunFilter): SQL | undefined {
  return and(
    filter.runId ? eq(runnerRuns.id, filter.runId) : undefined,
    filter.eventId ? eq(runnerRuns.eventId, filter.eventId) : undefined,
    filter.functionId ? eq(runnerRuns.functionId, filter.functionId) : undefined,
    filter.tenantId ? eq(runnerRuns.ownerTenant, filter.tenantId) : undefined,
    filter.eventData ? sql`${runnerRuns.event} -> 'data' @> ${JSON.stringify(filter.eventData)}::jsonb` : undefined,
    filter.status ? inArray(runnerRuns.status, filter.status) : undefined,
  );
}

// The tenant an event is about: its own tenantId, or for inngest/function.failed the failed run's event's.
export function readOwnerTenant(event: RunnerEventPayload): string | null {
  const inner = event.data.event;
  const nested = inner && typeof inner === 'object' && 'data' in inner && inner.data && typeof inner.data === 'object' && 'tenantId' in inner.data ? inner.data.tenantId : undefined;
  const tenantId = event.data.tenantId ?? nested;
  return typeof tenantId === 'string' ? tenantId : null;
}

export async function insertEvents(events: RunnerEventPayload[]): Promise<void> {
  if (events.length === 0) return;
  const db = await getDb();
  const rows = events.map((e) => ({ id: e.id, name: e.name, payload: e, ownerTenant: readOwnerTenant(e) }));
  await db.insert(runnerEvents).values(rows).onConflictDoNothing();
}

export async function hasUnroutedEvents(): Promise<boolean> {
  return (await loadUnroutedEvents(1)).length > 0;
}

export async function loadUnroutedEvents(limit: number): Promise<RunnerEventPayload[]> {
  const db = await getDb();
  const rows = await db
    .select({ payload: runnerEvents.payload })
    .from(runnerEvents)
    .where(isNull(runnerEvents.routedAt))
    .orderBy(asc(runnerEvents.seq))
    .limit(limit);
  return rows.map((r) => r.payload);
}

export async function findWaitingSteps(eventName: string) {
  const db = await getDb();
  return db
    .select({ runId: runnerSteps.runId, stepId: runnerSteps.id, waitIf: runnerSteps.waitIf, runEvent: runnerRuns.event })
    .from(runnerSteps)
    .innerJoin(runnerRuns, eq(runnerRuns.id, runnerSteps.runId))
    .where(and(eq(runnerSteps.status, 'waiting'), eq(runnerSteps.waitEvent, eventName), unfinished));
}

export async function findUnfinishedRuns(functionIds: string[]) {
  if (functionIds.length === 0) return [];
  const db = await getDb();
  return db
    .select({ id: runnerRuns.id, functionId: runnerRuns.functionId, event: runnerRuns.event })
    .from(runnerRuns)
    .where(and(inArray(runnerRuns.functionId, functionIds), unfinished));
}

export interface Routing {
  runs: NewRun[];
  resolved: { runId: string; stepId: string; event: RunnerEventPayload }[];
  cancelled: string[];
}

// Applies what one event caused, and marks it routed, atomically: a crash re-routes it whole or not at all.
export async function routeEvent(eventId: string, routing: Routing): Promise<void> {
  const db = await getDb();
  const now = new Date();
  await db.transaction(async (tx) => {
    // Claim first: if another runner on this database routed the event meanwhile, do nothing.
    const claimed = await tx
      .update(runnerEvents)
      .set({ routedAt: now })
      .where(and(eq(runnerEvents.id, eventId), isNull(runnerEvents.routedAt)))
      .returning({ id: runnerEvents.id });
    if (claimed.length === 0) return;
    if (routing.runs.length > 0) await tx.insert(runnerRuns).values(routing.runs);
    for (const { runId, stepId, event } of routing.resolved) {
      const done = await tx
        .update(runnerSteps)
        .set({ status: 'completed', data: event, endedAt: now, wakeAt: null })
        .where(and(eq(runnerSteps.runId, runId), eq(runnerSteps.id, stepId), eq(runnerSteps.status, 'waiting')))
        .returning({ id: runnerSteps.id });
      if (done.length === 0) continue;
      await tx
        .update(runnerRuns)
        .set({
          readyAt: now,
          updatedAt: now,
          status: sql`case when ${runnerRuns.status} = 'waiting' then 'queued' else ${runnerRuns.status} end`,
          stack: sql`${runnerRuns.stack} || ${JSON.stringify([stepId])}::jsonb`,
        })
        .where(and(eq(runnerRuns.id, runId), unfinished));
    }
    if (routing.cancelled.length > 0) {
      await tx
        .update(runnerRuns)
        .set({ status: 'cancelled', readyAt: null, endedAt: now, updatedAt: now })
        .where(and(inArray(runnerRuns.id, routing.cancelled), unfinished));
    }
  });
}

export async function loadRun(runId: string): Promise<{ run: RunRow; steps: StepRow[] } | null> {
  const db = await getDb();
  const [run] = await db.select().from(runnerRuns).where(eq(runnerRuns.id, runId));
  if (!run) return null;
  const steps = await db.select().from(runnerSteps).where(eq(runnerSteps.runId, runId)).orderBy(asc(runnerSteps.startedAt));
  return { run, steps };
}

// ready_at = now while running: a run that was in flight when the process died is due again on restart.
export async function startTick(runId: string): Promise<boolean> {
  const db = await getDb();
  const now = new Date();
  const rows = await db
    .update(runnerRuns)
    .set({ status: 'running', startedAt: sql`coalesce(${runnerRuns.startedAt}, ${now.toISOString()}::timestamptz)`, readyAt: now, updatedAt: now })
    .where(and(eq(runnerRuns.id, runId), unfinished))
    .returning({ id: runnerRuns.id });
  return rows.length > 0;
}

// Records one tick's result unless the run finished meanwhile (cancelled). If an event resolved one of the run's
// waits while the tick was in flight (the stack grew), a park becomes "due now" so that wake-up is not lost.
export async function commitRun(runId: string, loadedStackLength: number, changes: RunChanges): Promise<boolean> {
  const parking = changes.status === 'sleeping' || changes.status === 'waiting';
  // A step's result, a retry or the end of a run (every tick but a park or a failure's announcement) is one
  // statement: one round trip instead of five, and atomic without an explicit transaction.
  if (!parking && !changes.events?.length && !changes.steps?.some((s) => s.keepExisting)) return commitInOneStatement(runId, changes);
  const db = await getDb();
  const now = new Date();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ status: runnerRuns.status, stackLength: sql<number>`jsonb_array_length(${runnerRuns.stack})` })
      .from(runnerRuns)
      .where(eq(runnerRuns.id, runId))
      .for('update');
    if (!row || !isUnfinished(row.status)) return false;
    for (const { keepExisting, ...step } of changes.steps ?? []) {
      const insert = tx.insert(runnerSteps).values(step);
      if (keepExisting) await insert.onConflictDoNothing();
      else {
        const { runId: _r, id: _i, startedAt: _s, ...update } = step;
        await insert.onConflictDoUpdate({ target: [runnerSteps.runId, runnerSteps.id], set: update });
      }
    }
    const raced = Number(row.stackLength) !== loadedStackLength;
    const { appendStack, steps: _steps, events, ...run } = changes;
    await tx
      .update(runnerRuns)
      .set({
        ...run,
        ...(raced && parking ? { status: 'queued' as const, readyAt: now } : {}),
        ...(appendStack?.length ? { stack: sql`${runnerRuns.stack} || ${JSON.stringify(appendStack)}::jsonb` } : {}),
        updatedAt: now,
      })
      .where(eq(runnerRuns.id, runId));
    if (events?.length) {
      await tx
        .insert(runnerEvents)
        .values(events.map((e) => ({ id: e.id, name: e.name, payload: e, ownerTenant: readOwnerTenant(e) })))
        .onConflictDoNothing();
    }
    return true;
  });
}

// The run's update (only while it is unfinished) feeds the step upserts, so a finished (cancelled) run records
// nothing; the returned row says whether the update happened.
async function commitInOneStatement(runId: string, changes: RunChanges): Promise<boolean> {
  const db = await getDb();
  const { appendStack, steps = [], events: _events, ...run } = changes;
  const update = db
    .update(runnerRuns)
    .set({
      ...run,
      ...(appendStack?.length ? { stack: sql`${runnerRuns.stack} || ${JSON.stringify(appendStack)}::jsonb` } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(runnerRuns.id, runId), unfinished))
    .returning({ id: runnerRuns.id });
  if (steps.length === 0) return (await update).length > 0;
  const rows = steps.map((s) => ({
    id: s.id,
    name: s.name,
    op: s.op,
    status: s.status,
    data: s.data ?? null,
    error: s.error ?? null,
    attempts: s.attempts ?? 0,
    wake_at: s.wakeAt ?? null,
    wait_event: s.waitEvent ?? null,
    wait_if: s.waitIf ?? null,
    started_at: s.startedAt ?? new Date(),
    ended_at: s.endedAt ?? null,
    duration_ms: s.durationMs ?? null,
  }));
  const written = await queryRows<{ updated: number }>(
    db,
    sql`with run as (${update.getSQL()}),
      written as (
        insert into runner_steps (run_id, id, name, op, status, data, error, attempts, wake_at, wait_event, wait_if, started_at, ended_at, duration_ms)
        select run.id, s.id, s.name, s.op, s.status, nullif(s.data, 'null'::jsonb), nullif(s.error, 'null'::jsonb), s.attempts, s.wake_at,
          s.wait_event, s.wait_if, s.started_at, s.ended_at, s.duration_ms
        from run, jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as s(id text, name text, op text, status text, data jsonb,
          error jsonb, attempts integer, wake_at timestamptz, wait_event text, wait_if text, started_at timestamptz,
          ended_at timestamptz, duration_ms integer)
        on conflict (run_id, id) do update set name = excluded.name, op = excluded.op, status = excluded.status,
          data = excluded.data, error = excluded.error, attempts = excluded.attempts, wake_at = excluded.wake_at,
          wait_event = excluded.wait_event, wait_if = excluded.wait_if, ended_at = excluded.ended_at,
          duration_ms = excluded.duration_ms
      )
      select count(*)::int as updated from run`,
  );
  return (written[0]?.updated ?? 0) > 0;
}

// Runs the runner could start: unfinished, not already driven (exclude), and not needing a full concurrency key.
function launchable(exclude: string[], fullKeys: string[]): SQL | undefined {
  const needsFullKey = fullKeys.map((key) => sql`${runnerRuns.concurrency} @> ${JSON.stringify([{ key }])}::jsonb`);
  return and(
    unfinished,
    exclude.length ? notInArray(runnerRuns.id, exclude) : undefined,
    needsFullKey.length ? sql`not (${sql.join(needsFullKey, sql` or `)})` : undefined,
  );
}

// Due launchable runs, in Inngest's priority order: oldest ready time first, each moved ahead by its priority.
export async function findDueRuns(now: Date, exclude: string[], fullKeys: string[], limit: number) {
  const db = await getDb();
  return db
    .select({ id: runnerRuns.id, concurrency: runnerRuns.concurrency })
    .from(runnerRuns)
    .where(and(lte(runnerRuns.readyAt, now), launchable(exclude, fullKeys)))
    .orderBy(sql`${runnerRuns.readyAt} - make_interval(secs => ${runnerRuns.priority})`, asc(runnerRuns.createdAt))
    .limit(limit);
}

// The earliest ready time among launchable runs (it may already have passed).
export async function findNextReadyAt(exclude: string[], fullKeys: string[]): Promise<Date | null> {
  const db = await getDb();
  const [row] = await db
    .select({ at: sql<string | Date | null>`min(${runnerRuns.readyAt})` })
    .from(runnerRuns)
    .where(launchable(exclude, fullKeys));
  return row?.at ? new Date(row.at) : null;
}

export async function cancelRunRows(filter: RunFilter): Promise<string[]> {
  const db = await getDb();
  const now = new Date();
  const rows = await db
    .update(runnerRuns)
    .set({ status: 'cancelled', readyAt: null, endedAt: now, updatedAt: now })
    .where(and(unfinished, filterSql(filter)))
    .returning({ id: runnerRuns.id });
  return rows.map((r) => r.id);
}

export async function listRunRows(filter: RunFilter, limit: number): Promise<RunRow[]> {
  const db = await getDb();
  return db.select().from(runnerRuns).where(filterSql(filter)).orderBy(desc(runnerRuns.createdAt)).limit(limit);
}

export interface CronKey {
  functionId: string;
  cron: string;
}

// Watermarks of the given cron triggers; a trigger not seen before starts at `seenAt` (it fires from the next slot).
export async function seedCronWatermarks(keys: CronKey[], seenAt: Date): Promise<(CronKey & { lastFireAt: Date })[]> {
  if (keys.length === 0) return [];
  const db = await getDb();
  await db
    .insert(runnerCron)
    .values(keys.map((k) => ({ ...k, lastFireAt: seenAt })))
    .onConflictDoNothing();
  const rows = await db.select().from(runnerCron).where(inArray(runnerCron.functionId, keys.map((k) => k.functionId)));
  return rows.filter((r) => keys.some((k) => k.functionId === r.functionId && k.cron === r.cron));
}

// Starts the run for a cron trigger if a slot is due since its watermark, and moves the watermark to `now`, in one
// transaction: two runners on one database, or a restart, cannot fire the same slot twice.
export async function fireCronIfDue(
  key: CronKey,
  now: Date,
  isDue: (lastFireAt: Date) => boolean,
  build: () => { event: RunnerEventPayload; run: NewRun },
): Promise<{ fired: boolean; lastFireAt: Date }> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const match = and(eq(runnerCron.functionId, key.functionId), eq(runnerCron.cron, key.cron));
    const [row] = await tx.select({ lastFireAt: runnerCron.lastFireAt }).from(runnerCron).where(match).for('update');
    if (!row) {
      await tx.insert(runnerCron).values({ ...key, lastFireAt: now }).onConflictDoNothing();
      return { fired: false, lastFireAt: now };
    }
    if (!isDue(row.lastFireAt)) return { fired: false, lastFireAt: row.lastFireAt };
    const { event, run } = build();
    await tx
      .insert(runnerEvents)
      .values({ id: event.id, name: event.name, payload: event, ownerTenant: null, routedAt: new Date() })
      .onConflictDoNothing();
    await tx.insert(runnerRuns).values(run);
    await tx.update(runnerCron).set({ lastFireAt: now }).where(match);
    return { fired: true, lastFireAt: now };
  });
}
