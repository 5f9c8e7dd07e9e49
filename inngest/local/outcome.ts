import { getCompiledExpression } from './expressions';
import { type ExecutionOutcome, resolveWakeTime, parseRetryAfterMs, RUN_COMPLETE_ID } from './protocol';
import type { RunChanges, RunRow, StepRow, StepWrite } from './store';

// Turns one serve-handler response into the writes that record it, and says whether to call again at once
// ('continue'), wait for a timer or an event ('park'), or stop ('done').

export type Next = 'continue' | 'park' | 'done';
export interface Interpretation {
  changes: RunChanges;
  next: Next;
}

const FAILED_EVENT = 'inngest/function.failed';

interface JsonError {
  name: string;
  message: string;
  stack?: string;
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function toJsonError(error: unknown): JsonError {
  if (error && typeof error === 'object') {
    // Serialized errors are JSON objects; each field is checked before use.
    const e = error as Record<string, unknown>;
    const message = typeof e.message === 'string' ? e.message : typeof e.error === 'string' ? e.error : JSON.stringify(error);
    return { name: typeof e.name === 'string' ? e.name : 'Error', message, ...(typeof e.stack === 'string' ? { stack: e.stack } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

// The failure is recorded and announced as inngest/function.failed, which is what routes to onFailure handlers.
// A run that was itself triggered by a failure announces nothing, so a failing alert function cannot loop.
export function failRun(run: RunRow, error: unknown, now: number): Interpretation {
  const jsonError = toJsonError(error);
  const announce = run.event.name !== FAILED_EVENT;
  return {
    next: 'done',
    changes: {
      status: 'failed',
      error: jsonError,
      readyAt: null,
      endedAt: new Date(now),
      events: announce
        ? [{ name: FAILED_EVENT, id: `${run.id}:failed`, ts: now, data: { function_id: run.functionId, run_id: run.id, error: jsonError, event: run.event } }]
        : [],
    },
  };
}

export function computeBackoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export interface InterpretOptions {
  startedAt: number;
  now: number;
  backoff: (attempt: number) => number;
}

export function interpretOutcome(run: RunRow, steps: StepRow[], outcome: ExecutionOutcome, o: InterpretOptions): Interpretation {
  const { now, startedAt } = o;
  const retry = (error: unknown, retryAfter: string | null, extra: StepWrite[] = []): Interpretation => {
    const attempt = run.attempt + 1;
    if (attempt >= run.maxAttempts) return failRun(run, error, now);
    const delay = parseRetryAfterMs(retryAfter, now) ?? o.backoff(attempt);
    return { next: 'park', changes: { status: 'retrying', attempt, readyAt: new Date(now + delay), error: toJsonError(error), steps: extra } };
  };
  // Steps reported in the same response as the result (checkpointing) are recorded with it.
  const completed = (output: unknown, steps: StepWrite[] = [], appendStack: string[] = []): Interpretation => ({
    next: 'done',
    changes: { status: 'completed', output: output ?? null, error: null, readyAt: null, endedAt: new Date(now), steps, appendStack },
  });

  if (outcome.kind === 'done') return completed(outcome.data);
  if (outcome.kind === 'error') return outcome.retriable ? retry(outcome.error, outcome.retryAfter) : failRun(run, outcome.error, now);

  const known = new Map(steps.map((s) => [s.id, s]));
  const writes: StepWrite[] = [];
  const appendStack: string[] = [];
  let planned = false;
  for (const op of outcome.ops) {
    const base = { runId: run.id, id: op.id, name: op.userland?.id ?? op.displayName ?? op.name ?? op.id, op: op.op };
    const ran = { ...base, attempts: (known.get(op.id)?.attempts ?? 0) + 1, startedAt: new Date(startedAt), endedAt: new Date(now), durationMs: now - startedAt };
    switch (op.op) {
      case 'RunComplete':
        return completed(op.data, writes, appendStack);
      case 'StepRun':
        writes.push({ ...ran, status: 'completed', data: op.data ?? null, error: null });
        appendStack.push(op.id);
        break;
      case 'StepFailed':
        if (op.id === RUN_COMPLETE_ID) return failRun(run, op.error, now);
        writes.push({ ...ran, status: 'failed', error: op.error ?? null });
        appendStack.push(op.id);
        break;
      case 'StepError':
        if (op.id === RUN_COMPLETE_ID) return retry(op.error, outcome.retryAfter);
        return retry(op.error, outcome.retryAfter, [...writes, { ...ran, status: 'planned', error: op.error ?? null, endedAt: null }]);
      case 'StepPlanned':
        writes.push({ ...base, status: 'planned', startedAt: new Date(now), keepExisting: true });
        planned = true;
        break;
      case 'Sleep':
        writes.push({ ...base, status: 'sleeping', startedAt: new Date(now), wakeAt: new Date(resolveWakeTime(op.name, now)), keepExisting: true });
        break;
      case 'WaitForEvent': {
        const condition = typeof op.opts?.if === 'string' ? op.opts.if : null;
        try {
          if (condition) getCompiledExpression(condition);
        } catch (err) {
          return failRun(run, { name: 'Error', message: `local runner: ${describeError(err)}` }, now);
        }
        const timeout = typeof op.opts?.timeout === 'string' ? op.opts.timeout : undefined;
        writes.push({ ...base, status: 'waiting', startedAt: new Date(now), waitEvent: op.name ?? '', waitIf: condition, wakeAt: new Date(resolveWakeTime(timeout, now)), keepExisting: true });
        break;
      }
      default:
        return failRun(run, { name: 'Error', message: `step op ${op.op} (${base.name}) is not supported by the local runner; configure Inngest to use it` }, now);
    }
  }

  if (appendStack.length > 0) return { next: 'continue', changes: { steps: writes, appendStack, attempt: 0, error: null } };
  if (planned) return { next: 'continue', changes: { steps: writes } };
  // Only sleeps and waits left (new or already known): park until the earliest deadline, or an event.
  const pending = new Map<string, { status?: string; wakeAt?: Date | null }>();
  for (const w of writes) pending.set(w.id, w);
  for (const s of steps) if (s.status === 'sleeping' || s.status === 'waiting') pending.set(s.id, s);
  if (pending.size === 0) return retry({ name: 'Error', message: 'the function reported no step and no result' }, null);
  const wakeTimes = [...pending.values()].flatMap((p) => (p.wakeAt ? [p.wakeAt.getTime()] : []));
  const waiting = [...pending.values()].some((p) => p.status === 'waiting');
  return {
    next: 'park',
    changes: { steps: writes, status: waiting ? 'waiting' : 'sleeping', readyAt: wakeTimes.length ? new Date(Math.min(...wakeTimes)) : null },
  };
}
