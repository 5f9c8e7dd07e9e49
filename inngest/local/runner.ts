import { randomUUID } from 'node:crypto';
import { internalEvents, type Inngest, type InngestFunction } from 'inngest';
import { getEnv } from '@/lib/env';
import { logger } from '@/lib/log';
import type { ConcurrencySlot, RunnerEventPayload } from '@/lib/db/schema/runner';
import { computeNextFire, type CronSchedule } from './cron';
import { getCompiledExpression } from './expressions';
import { computeBackoffMs, failRun, interpretOutcome, describeError } from './outcome';
import { createExecutor, type ExecutionOutcome, type Executor, type MemoizedStep, type StepOp } from './protocol';
import { matchesEvent, compileFunction, computeConcurrencySlots, computePriority, nameMatches, type LocalFunction } from './registry';
import * as store from './store';
import { computeWakeAt } from './wake';
import { getLocalHub } from './wire';

// The embedded stand-in for an Inngest server. The database is the truth (runs, memoized steps, pending events);
// memory only holds what is running now and the concurrency slots those runs hold. Event routing is exactly-once
// even with several runners on one database, but driving runs and counting slots assume one runner per database:
// PGlite's lock guarantees it; with Postgres and several app instances, configure Inngest instead.

export interface LocalRunnerOptions {
  client: Inngest.Any;
  functions: readonly InngestFunction.Like[];
  // Runs driven at the same time, across all functions (default 10).
  maxConcurrency?: number;
  // Retry delays double from backoffBaseMs (default 1 s) up to backoffMaxMs (default 10 min).
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  // The clock cron triggers are scheduled by (default Date.now); tests move it instead of waiting for a slot.
  now?: () => number;
}

// The timer re-arms at least this often when cron triggers exist, so a long wait cannot drift far from the clock.
const CRON_TIMER_CAP_MS = 3_600_000;

interface CronTrigger {
  key: store.CronKey;
  schedule: CronSchedule;
  // Clock time of the next slot after the watermark; null if the expression never fires again.
  nextAt: number | null;
}

function toMemoizedSteps(steps: store.StepRow[]): Record<string, MemoizedStep> {
  const out: Record<string, MemoizedStep> = {};
  for (const s of steps) {
    if (s.status === 'completed') out[s.id] = { data: s.data ?? null };
    else if (s.status === 'failed') out[s.id] = { error: s.error };
  }
  return out;
}

export class LocalRunner {
  private readonly registry = new Map<string, LocalFunction>();
  private readonly active = new Map<string, Promise<void>>();
  // Concurrency keys held by running runs: how many, and the key's limit.
  private readonly slots = new Map<string, { used: number; limit: number }>();
  private readonly listeners = new Set<() => void>();
  private readonly executor: Executor;
  private readonly maxConcurrency: number;
  private readonly backoff: (attempt: number) => number;
  private readonly clock: () => number;
  private crons: CronTrigger[] = [];
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly cronsEnabled: boolean;

  private constructor(options: LocalRunnerOptions) {
    this.executor = createExecutor(options.client, options.functions, getLocalHub().signingKey);
    this.maxConcurrency = options.maxConcurrency ?? 10;
    const base = options.backoffBaseMs ?? 1_000;
    const max = options.backoffMaxMs ?? 600_000;
    this.backoff = (attempt) => computeBackoffMs(attempt, base, max);
    this.clock = options.now ?? Date.now;
    this.cronsEnabled = options.now !== undefined || !getEnv().LOCAL_RUNNER_CRONS_OFF;
  }

  static async start(options: LocalRunnerOptions): Promise<LocalRunner> {
    const runner = new LocalRunner(options);
    const hub = getLocalHub();
    for (const config of await runner.executor.register(hub.registrations)) runner.registry.set(config.id, compileFunction(config));
    await runner.syncCrons();
    hub.notify = () => runner.kick();
    runner.kick();
    return runner;
  }

  get functionIds(): string[] {
    return [...this.registry.keys()];
  }

  kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.pump()
      .catch((err: unknown) => {
        logger.error('local runner: scheduling failed; retrying in 1 s', { error: describeError(err) });
        this.wakeAt(Date.now() + 1_000);
      })
      .finally(() => {
        this.pumping = null;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.kick();
        }
      });
  }

  private wakeAt(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.max(0, Math.min(at - Date.now(), 2 ** 31 - 1)));
    this.timer.unref();
  }

  private async syncCrons(): Promise<void> {
    if (!this.cronsEnabled) return;
    const triggers = [...this.registry.values()].flatMap((fn) =>
      fn.schedules.map((schedule) => ({ key: { functionId: fn.id, cron: schedule.source }, schedule })),
    );
    const seenAt = new Date(this.clock());
    const marks = await store.seedCronWatermarks(triggers.map((t) => t.key), seenAt);
    this.crons = triggers.map((t) => {
      const mark = marks.find((m) => m.functionId === t.key.functionId && m.cron === t.key.cron)?.lastFireAt ?? seenAt;
      return { ...t, nextAt: computeNextFire(t.schedule, mark)?.getTime() ?? null };
    });
  }

  // Slots missed while no runner was up collapse into the one run fired now (catch-up of at most one).
  private async fireDueCrons(): Promise<void> {
    const now = this.clock();
    for (const trigger of this.crons) {
      const fn = this.registry.get(trigger.key.functionId);
      if (!fn || trigger.nextAt === null || trigger.nextAt > now) continue;
      const at = new Date(now);
      const isDue = (lastFireAt: Date) => (computeNextFire(trigger.schedule, lastFireAt)?.getTime() ?? Infinity) <= now;
      const result = await store.fireCronIfDue(trigger.key, at, isDue, () => {
        const event: RunnerEventPayload = {
          name: internalEvents.ScheduledTimer,
          data: { cron: trigger.key.cron },
          id: `cron-${fn.id}-${at.toISOString()}`,
          ts: now,
        };
        const run: store.NewRun = {
          id: randomUUID(),
          functionId: fn.id,
          eventId: event.id,
          event,
          ownerTenant: null,
          concurrency: computeConcurrencySlots(fn, event),
          priority: computePriority(fn, event),
          maxAttempts: fn.maxAttempts,
          // Runs are scheduled on the real clock; only cron slots are read from this.clock.
          readyAt: new Date(),
        };
        return { event, run };
      });
      if (result.fired) logger.info('local runner: cron trigger fired', { functionId: fn.id, cron: trigger.key.cron });
      trigger.nextAt = computeNextFire(trigger.schedule, result.lastFireAt)?.getTime() ?? null;
    }
  }

  private async pump(): Promise<void> {
    await this.routeEvents();
    await this.fireDueCrons();
    const free = this.maxConcurrency - this.active.size;
    if (free > 0) {
      // Runs whose concurrency key is full are left out of the query, so one tenant's backlog cannot crowd
      // another tenant's runs out of the batch.
      for (const run of await store.findDueRuns(new Date(), [...this.active.keys()], this.fullKeys(), free * 2 + 10)) {
        if (this.active.size >= this.maxConcurrency) break;
        if (this.acquire(run.concurrency)) this.launch(run.id, run.concurrency);
      }
    }
    // Runs waiting for a full key or a free slot are started by the kick of a finishing run; the timer covers the
    // rest, and cron slots: the earliest of them.
    const next = await store.findNextReadyAt([...this.active.keys()], this.fullKeys());
    const realNow = Date.now();
    const at = computeWakeAt({
      realNow,
      nextRunAt: next?.getTime() ?? null,
      slotFree: this.active.size < this.maxConcurrency,
      cronAt: this.crons.flatMap((c) => (c.nextAt === null ? [] : [realNow + c.nextAt - this.clock()])),
      capMs: this.crons.length > 0 ? CRON_TIMER_CAP_MS : null,
    });
    if (at !== null) this.wakeAt(at);
  }

  private fullKeys(): string[] {
    return [...this.slots].filter(([, s]) => s.used >= s.limit).map(([key]) => key);
  }

  private acquire(slots: ConcurrencySlot[]): boolean {
    if (slots.some((s) => (this.slots.get(s.key)?.used ?? 0) >= s.limit)) return false;
    for (const s of slots) this.slots.set(s.key, { used: (this.slots.get(s.key)?.used ?? 0) + 1, limit: s.limit });
    return true;
  }

  private release(slots: ConcurrencySlot[]): void {
    for (const s of slots) {
      const used = (this.slots.get(s.key)?.used ?? 1) - 1;
      if (used > 0) this.slots.set(s.key, { used, limit: s.limit });
      else this.slots.delete(s.key);
    }
  }

  private launch(runId: string, slots: ConcurrencySlot[]): void {
    const driving = this.drive(runId)
      .catch((err: unknown) => logger.error('local runner: driving a run failed', { runId, error: describeError(err) }))
      .finally(() => {
        this.active.delete(runId);
        this.release(slots);
        for (const listener of this.listeners) listener();
        this.kick();
      });
    this.active.set(runId, driving);
  }

  private async routeEvents(): Promise<void> {
    const hub = getLocalHub();
    const batch = hub.intake.splice(0);
    try {
      await store.insertEvents(batch);
    } catch (err) {
      hub.intake.unshift(...batch);
      throw err;
    }
    for (let events = await store.loadUnroutedEvents(100); events.length > 0; events = await store.loadUnroutedEvents(100)) {
      for (const event of events) await store.routeEvent(event.id, await this.route(event));
    }
  }

  private async route(event: RunnerEventPayload): Promise<store.Routing> {
    const now = new Date();
    const runs: store.NewRun[] = [];
    for (const fn of this.registry.values()) {
      if (!fn.triggers.some((t) => matchesEvent(t, event))) continue;
      const run: store.NewRun = {
        id: randomUUID(),
        functionId: fn.id,
        eventId: event.id,
        event,
        ownerTenant: store.readOwnerTenant(event),
        concurrency: computeConcurrencySlots(fn, event),
        priority: computePriority(fn, event),
        maxAttempts: fn.maxAttempts,
        readyAt: now,
      };
      runs.push(run);
    }
    const resolved = (await store.findWaitingSteps(event.name))
      .filter((w) => !w.waitIf || Boolean(getCompiledExpression(w.waitIf)({ event: w.runEvent, async: event })))
      .map((w) => ({ runId: w.runId, stepId: w.stepId, event }));
    const cancellers = [...this.registry.values()].filter((fn) => fn.cancel.some((c) => nameMatches(c.event, event.name))).map((fn) => fn.id);
    const cancelled = (await store.findUnfinishedRuns(cancellers))
      .filter((r) => this.registry.get(r.functionId)?.cancel.some((c) => matchesEvent(c, event, r.event)))
      .map((r) => r.id);
    return { runs, resolved, cancelled };
  }

  // Calls the serve handler for one run until it finishes or has to wait. Never holds a transaction across a call.
  private async drive(runId: string): Promise<void> {
    // Once this loop has marked the run running, later ticks skip that write: the run stays running (and due, for
    // a restart) until a tick parks or ends it, and each tick's fresh load still stops a cancelled run.
    let marked = false;
    while (!this.stopped) {
      const state = await store.loadRun(runId);
      if (!state || !store.isUnfinished(state.run.status)) return;
      let { run, steps } = state;
      const now = Date.now();
      if (!this.registry.has(run.functionId)) {
        await store.commitRun(run.id, run.stack.length, failRun(run, { message: `${run.functionId} is no longer served` }, now).changes);
        return;
      }
      const expired = steps.filter((s) => (s.status === 'sleeping' || s.status === 'waiting') && s.wakeAt && s.wakeAt.getTime() <= now);
      if (expired.length > 0) {
        // A sleep that is over, or a wait that timed out, resolves to null.
        await store.commitRun(run.id, run.stack.length, {
          appendStack: expired.map((s) => s.id),
          steps: expired.map((s) => ({ ...s, status: 'completed', data: null, endedAt: new Date(now) })),
        });
        continue;
      }
      if (!marked || run.status !== 'running') {
        if (!(await store.startTick(run.id))) return;
        marked = true;
      }
      const planned = steps.find((s) => s.status === 'planned');
      let startedAt = Date.now();
      let stackLength = run.stack.length;
      let checkpointed = false;
      const loaded = run;
      const known = steps;
      // Each step the SDK ran inside this call is committed before it runs the next one, so a crash loses at most
      // the step in flight, exactly as with one call per step.
      const checkpoint = async (ops: StepOp[]): Promise<boolean> => {
        const unexpected = ops.find((op) => op.op !== 'StepRun');
        // Throwing makes the SDK answer with the steps instead, and the normal path below records them.
        if (unexpected) throw new Error(`local runner: cannot checkpoint a ${unexpected.op} op`);
        const at = Date.now();
        const { changes } = interpretOutcome(loaded, known, { kind: 'ops', ops, retryAfter: null }, { startedAt, now: at, backoff: this.backoff });
        startedAt = at;
        if (!(await store.commitRun(run.id, stackLength, changes))) return false;
        stackLength += changes.appendStack?.length ?? 0;
        checkpointed = true;
        return true;
      };
      let outcome: ExecutionOutcome;
      try {
        outcome = await this.executor.execute({
          checkpoint,
          fnId: run.functionId,
          stepId: planned?.id ?? 'step',
          runId: run.id,
          event: run.event,
          steps: toMemoizedSteps(steps),
          stack: run.stack,
          attempt: run.attempt,
          maxAttempts: run.maxAttempts,
        });
      } catch (err) {
        outcome = { kind: 'error', error: { name: 'Error', message: describeError(err) }, retriable: true, retryAfter: null };
      }
      if (checkpointed) {
        const fresh = await store.loadRun(runId);
        if (!fresh) return;
        ({ run, steps } = fresh);
      }
      const { changes, next } = interpretOutcome(run, steps, outcome, { startedAt, now: Date.now(), backoff: this.backoff });
      const recorded = await store.commitRun(run.id, run.stack.length, changes);
      if (!recorded || next !== 'continue') return;
    }
  }

  // Resolves when nothing is running and nothing is due (sleeping and waiting runs may remain). For tests and shutdown.
  async drain(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.kick();
      while (this.pumping || this.active.size > 0) {
        await this.pumping;
        await Promise.all([...this.active.values()]);
      }
      const next = await store.findNextReadyAt([], []);
      const idle = getLocalHub().intake.length === 0 && !(next && next.getTime() <= Date.now()) && !(await store.hasUnroutedEvents());
      if (idle && !this.pumping && this.active.size === 0) return;
      if (Date.now() > deadline) throw new Error(`local runner: not idle after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  // Resolves at the next point where some run stopped being driven (or after intervalMs).
  async settled(intervalMs: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, intervalMs);
      this.listeners.add(done);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const hub = getLocalHub();
    if (hub.notify) hub.notify = undefined;
    await this.pumping;
    await Promise.all([...this.active.values()]);
  }
}
