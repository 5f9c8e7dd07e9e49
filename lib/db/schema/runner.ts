import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

// State of the embedded pipeline runner (inngest/local). Platform data, not tenant data: the runner works outside
// tenant transactions, so there is no tenant_id column (and hence no RLS); the tenant travels inside the event
// JSON and is copied to owner_tenant for filtering. Reached through the platform path (app_auth).

export const RUN_STATUSES = ['queued', 'running', 'retrying', 'sleeping', 'waiting', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const UNFINISHED_RUN_STATUSES = ['queued', 'running', 'retrying', 'sleeping', 'waiting'] as const satisfies readonly RunStatus[];

export const STEP_STATUSES = ['planned', 'sleeping', 'waiting', 'completed', 'failed'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export interface RunnerEventPayload {
  name: string;
  data: Record<string, unknown>;
  id: string;
  ts: number;
  v?: string;
}

export interface ConcurrencySlot {
  key: string;
  limit: number;
}

// Every event ever accepted; id is the sender's idempotency id (or a generated one), so a resend is a no-op.
export const runnerEvents = pgTable(
  'runner_events',
  {
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    payload: jsonb('payload').$type<RunnerEventPayload>().notNull(),
    ownerTenant: text('owner_tenant'),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    routedAt: timestamp('routed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('runner_events_unrouted_idx').on(t.seq).where(sql`routed_at is null`)],
);

export const runnerRuns = pgTable(
  'runner_runs',
  {
    id: text('id').primaryKey(),
    functionId: text('function_id').notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull().default('queued'),
    eventId: text('event_id').notNull(),
    event: jsonb('event').$type<RunnerEventPayload>().notNull(),
    ownerTenant: text('owner_tenant'),
    concurrency: jsonb('concurrency').$type<ConcurrencySlot[]>().notNull().default([]),
    maxAttempts: integer('max_attempts').notNull(),
    attempt: integer('attempt').notNull().default(0),
    // Hashed step ids in completion order: the SDK's ctx.stack.
    stack: jsonb('stack').$type<string[]>().notNull().default([]),
    // When the run should next be driven; null once finished.
    readyAt: timestamp('ready_at', { withTimezone: true, mode: 'date' }),
    // The function's priority.run for this run's event, in seconds: among due runs, the runner starts the one with
    // the earliest ready_at - priority first.
    priority: integer('priority').notNull().default(0),
    output: jsonb('output'),
    error: jsonb('error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'runner_runs_status_check',
      sql`status in ('queued', 'running', 'retrying', 'sleeping', 'waiting', 'completed', 'failed', 'cancelled')`,
    ),
    index('runner_runs_due_idx').on(t.readyAt).where(sql`ready_at is not null`),
    index('runner_runs_event_idx').on(t.eventId),
    index('runner_runs_owner_idx').on(t.ownerTenant, t.createdAt),
    index('runner_runs_function_idx').on(t.functionId, t.createdAt),
  ],
);

// One row per step (hashed id) of a run: memoized results, plus sleeps, waits and planned steps still pending.
export const runnerSteps = pgTable(
  'runner_steps',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runnerRuns.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    name: text('name').notNull(),
    op: text('op').notNull(),
    status: text('status', { enum: STEP_STATUSES }).notNull(),
    data: jsonb('data'),
    error: jsonb('error'),
    attempts: integer('attempts').notNull().default(0),
    wakeAt: timestamp('wake_at', { withTimezone: true, mode: 'date' }),
    waitEvent: text('wait_event'),
    waitIf: text('wait_if'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
    durationMs: integer('duration_ms'),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.id] }),
    check('runner_steps_status_check', sql`status in ('planned', 'sleeping', 'waiting', 'completed', 'failed')`),
    index('runner_steps_waiting_idx').on(t.waitEvent).where(sql`status = 'waiting'`),
  ],
);

// One row per cron trigger (function id + expression as synced): the runner's fire watermark. Every slot at or
// before last_fire_at is handled, so a restart in the same slot does not fire again, and slots missed while no
// runner was up collapse into one catch-up run. A trigger seen for the first time starts at the time it was seen.
export const runnerCron = pgTable(
  'runner_cron',
  {
    functionId: text('function_id').notNull(),
    cron: text('cron').notNull(),
    lastFireAt: timestamp('last_fire_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.functionId, t.cron] })],
);
