import { createHash, createHmac, randomUUID } from 'node:crypto';
import { durationToMs, type Inngest, InngestCommHandler, type InngestFunction } from 'inngest';
import { z } from 'zod';
import type { RunnerEventPayload } from '@/lib/db/schema/runner';
import { getLocalHub } from './wire';

// The executor side of Inngest's HTTP protocol (v2, with async checkpointing), spoken to the real serve handler
// in-process.

export const RUN_COMPLETE_ID = createHash('sha1').update('complete').digest('hex');

export type MemoizedStep = { data: unknown } | { error: unknown };

export interface ExecutionRequest {
  fnId: string;
  // 'step' lets the SDK discover (and run inline) the next step; a hashed id runs exactly that planned step.
  stepId: string;
  runId: string;
  event: RunnerEventPayload;
  steps: Record<string, MemoizedStep>;
  stack: string[];
  attempt: number;
  maxAttempts: number;
  // Records steps the SDK ran and checkpointed inside this call; resolves false once the run is over (cancelled),
  // which stops the SDK. Without it the SDK runs one step per call.
  checkpoint?: (ops: StepOp[]) => Promise<boolean>;
}

const opSchema = z.object({
  id: z.string(),
  op: z.string(),
  name: z.string().optional(),
  displayName: z.string().optional(),
  opts: z.record(z.string(), z.unknown()).nullish(),
  data: z.unknown().optional(),
  error: z.unknown().optional(),
  userland: z.object({ id: z.string().optional() }).nullish(),
});
export type StepOp = z.infer<typeof opSchema>;
const opsSchema = z.array(opSchema);

export type ExecutionOutcome =
  | { kind: 'done'; data: unknown }
  | { kind: 'ops'; ops: StepOp[]; retryAfter: string | null }
  | { kind: 'error'; error: unknown; retriable: boolean; retryAfter: string | null };

const concurrencySchema = z.object({ limit: z.number(), key: z.string().optional(), scope: z.string().optional() });
const fnConfigSchema = z.object({
  id: z.string(),
  triggers: z.array(z.object({ event: z.string().optional(), expression: z.string().optional(), cron: z.string().optional() })),
  steps: z.record(z.string(), z.object({ retries: z.object({ attempts: z.number() }).optional() })),
  concurrency: z.union([z.number(), concurrencySchema, z.array(concurrencySchema)]).optional(),
  cancel: z.array(z.object({ event: z.string(), if: z.string().optional(), timeout: z.string().optional() })).optional(),
  batchEvents: z.unknown().optional(),
  debounce: z.unknown().optional(),
  throttle: z.unknown().optional(),
  rateLimit: z.unknown().optional(),
  idempotency: z.unknown().optional(),
  singleton: z.unknown().optional(),
  priority: z.object({ run: z.string().optional() }).optional(),
});
export type FunctionConfig = z.infer<typeof fnConfigSchema>;
const registrationSchema = z.object({ functions: z.array(fnConfigSchema) });

// What the SDK's canonicalize() produces for a JSON value: keys sorted at every depth. Sending the body already
// canonical means the signature we compute is the one the handler recomputes.
export function toCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => toCanonicalJson(v ?? null)).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toCanonicalJson(v)}`).join(',')}}`;
}

function signBody(body: string, signingKey: string): string {
  const ts = Math.round(Date.now() / 1000).toString();
  const key = signingKey.replace(/^signkey-\w+-/, '');
  return `t=${ts}&s=${createHmac('sha256', key).update(body + ts).digest('hex')}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 500) };
  }
}

// The serve handler with a plain Web Request adapter: the same InngestCommHandler that `inngest/next` wraps.
export function createExecutor(client: Inngest.Any, functions: readonly InngestFunction.Like[], signingKey: string) {
  const handle = new InngestCommHandler({
    frameworkName: 'reflex-local-runner',
    client,
    functions,
    handler: (req: Request) => ({
      body: () => req.text(),
      headers: (key: string) => req.headers.get(key),
      method: () => req.method,
      url: () => new URL(req.url),
      transformResponse: ({ body, status, headers }: { body: string; status: number; headers: Record<string, string> }) =>
        new Response(body, { status, headers }),
    }),
  }).createHandler();

  const call = async (method: string, query: Record<string, string>, body?: string): Promise<Response> => {
    const url = new URL('http://reflex-local-runner.invalid/api/inngest');
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (body !== undefined) headers['x-inngest-signature'] = signBody(body, signingKey);
    return handle(new Request(url, { method, headers, body }));
  };

  return {
    async execute(req: ExecutionRequest): Promise<ExecutionOutcome> {
      const body = toCanonicalJson({
        version: 2,
        event: req.event,
        events: [req.event],
        steps: req.steps,
        ctx: {
          run_id: req.runId,
          // With these the SDK checkpoints (AsyncCheckpointing mode): after each step it posts the step to
          // /v1/checkpoint/<run>/async (wire.ts) and, once recorded, runs the next one in the same call.
          ...(req.checkpoint ? { fn_id: req.fnId, qi_id: req.runId } : {}),
          attempt: req.attempt,
          max_attempts: req.maxAttempts,
          stack: { stack: req.stack, current: Math.max(0, req.stack.length - 1) },
        },
      });
      const { checkpoint } = req;
      const checkpoints = getLocalHub().checkpoints;
      if (checkpoint) checkpoints.set(req.runId, (steps) => checkpoint(opsSchema.parse(steps)));
      let res: Response;
      let text: string;
      try {
        res = await call('POST', { fnId: req.fnId, stepId: req.stepId }, body);
        text = await res.text();
      } finally {
        if (checkpoint) checkpoints.delete(req.runId);
      }
      const payload = parseJson(text);
      const retryAfter = res.headers.get('retry-after');
      if (res.status === 200) return { kind: 'done', data: payload };
      if (res.status === 206) return { kind: 'ops', ops: opsSchema.parse(payload), retryAfter };
      return { kind: 'error', error: payload, retriable: res.headers.get('x-inngest-no-retry') !== 'true', retryAfter };
    },

    // A real out-of-band sync (PUT): the SDK posts its function configs to the client's fetch, which hands the body
    // to the registration waiting under this deploy id.
    async register(registrations: Map<string, (body: unknown) => void>): Promise<FunctionConfig[]> {
      const deployId = randomUUID();
      let body: unknown;
      registrations.set(deployId, (received) => {
        body = received;
      });
      try {
        const res = await call('PUT', { deployId });
        if (res.status !== 200) throw new Error(`local runner: syncing functions failed: ${await res.text()}`);
      } finally {
        registrations.delete(deployId);
      }
      if (body === undefined) throw new Error('local runner: the serve handler sent no function configs (is the client wired to the local runner?)');
      return registrationSchema.parse(body).functions;
    },
  };
}

export type Executor = ReturnType<typeof createExecutor>;

// Sleep ops name either a duration ("1h30m") or an instant (sleepUntil); wait timeouts are durations.
export function resolveWakeTime(spec: string | undefined, now: number): number {
  if (!spec) return now;
  if (/^\d{4}-\d{2}-\d{2}T/.test(spec)) return Date.parse(spec);
  try {
    return now + durationToMs(spec);
  } catch {
    return now;
  }
}

export function parseRetryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
