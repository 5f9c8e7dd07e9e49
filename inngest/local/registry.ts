import { logger } from '@/lib/log';
import type { ConcurrencySlot, RunnerEventPayload } from '@/lib/db/schema/runner';
import { computeNextFire, CronParseError, parseCron, type CronSchedule } from './cron';
import { getCompiledExpression, type CompiledExpression } from './expressions';
import type { FunctionConfig } from './protocol';

// The functions the serve handler synced, compiled into what the runner needs to route events and count slots.

const DEFAULT_RETRIES = 3;
const UNSUPPORTED = ['batchEvents', 'debounce', 'throttle', 'rateLimit', 'idempotency', 'singleton'] as const;
// Inngest's default range for a priority factor (seconds).
const MAX_PRIORITY_SECONDS = 600;

interface Matcher {
  event: string;
  condition: CompiledExpression | null;
}

export interface LocalFunction {
  id: string;
  maxAttempts: number;
  triggers: Matcher[];
  cancel: Matcher[];
  schedules: CronSchedule[];
  concurrency: { limit: number; scope: string; keySource: string; key: CompiledExpression | null }[];
  // priority.run: seconds a queued run is moved ahead, as if it had been enqueued that much earlier.
  priority: CompiledExpression | null;
}

export function nameMatches(pattern: string, name: string): boolean {
  return pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

// A cron trigger the runner cannot honour (another time zone, bad syntax, never fires) is left out with a warning.
function compileSchedule(functionId: string, expression: string): CronSchedule[] {
  try {
    const schedule = parseCron(expression);
    if (computeNextFire(schedule, new Date())) return [schedule];
    logger.warn(`local runner: cron "${expression}" of ${functionId} never fires; not scheduled`, { functionId });
  } catch (err) {
    if (!(err instanceof CronParseError)) throw err;
    logger.warn(`local runner: ${err.message}; ${functionId} is not scheduled`, { functionId });
  }
  return [];
}

function compileMatcher(event: string, condition: string | undefined): Matcher {
  return { event, condition: condition ? getCompiledExpression(condition) : null };
}

export function compileFunction(config: FunctionConfig): LocalFunction {
  for (const option of UNSUPPORTED) {
    if (config[option] !== undefined) logger.warn(`local runner ignores ${option} on ${config.id}`, { functionId: config.id });
  }
  const raw = config.concurrency;
  const limits = raw === undefined ? [] : typeof raw === 'number' ? [{ limit: raw }] : Array.isArray(raw) ? raw : [raw];
  const retries = Object.values(config.steps)[0]?.retries?.attempts ?? DEFAULT_RETRIES;
  return {
    id: config.id,
    maxAttempts: retries + 1,
    triggers: config.triggers.flatMap((t) => (t.event ? [compileMatcher(t.event, t.expression)] : [])),
    cancel: (config.cancel ?? []).map((c) => compileMatcher(c.event, c.if)),
    schedules: config.triggers.flatMap((t) => (t.cron ? compileSchedule(config.id, t.cron) : [])),
    concurrency: limits
      .filter((c) => c.limit > 0)
      .map((c) => ({
        limit: c.limit,
        scope: c.scope === 'env' || c.scope === 'account' ? c.scope : `fn:${config.id}`,
        keySource: c.key ?? '',
        key: c.key ? getCompiledExpression(c.key) : null,
      })),
    priority: config.priority?.run ? getCompiledExpression(config.priority.run) : null,
  };
}

// A trigger or cancellation applies when the name matches and the condition (if any) holds. `event` is the
// triggering event of the run in question, `async` the incoming one, as in Inngest.
export function matchesEvent(m: Matcher, incoming: RunnerEventPayload, runEvent?: RunnerEventPayload): boolean {
  if (!nameMatches(m.event, incoming.name)) return false;
  return !m.condition || Boolean(m.condition(runEvent ? { event: runEvent, async: incoming } : { event: incoming }));
}

export function computeConcurrencySlots(fn: LocalFunction, event: RunnerEventPayload): ConcurrencySlot[] {
  return fn.concurrency.map((c) => ({
    key: `${c.scope}|${c.keySource}|${c.key ? JSON.stringify(c.key({ event }) ?? null) : ''}`,
    limit: c.limit,
  }));
}

// Computed once, when the run is created: it depends only on the triggering event. A value outside Inngest's range
// is clamped to it, and anything that is not a number (an expression error in CEL) counts as 0.
export function computePriority(fn: LocalFunction, event: RunnerEventPayload): number {
  const value = fn.priority?.({ event });
  if (typeof value !== 'number' || !Number.isFinite(value)) return 0;
  return Math.max(-MAX_PRIORITY_SECONDS, Math.min(MAX_PRIORITY_SECONDS, Math.trunc(value)));
}
