import { notePipelineRun } from '@/lib/health/pipeline-spikes';
import { getMetrics } from './registry';

export { getMetrics } from './registry';

const seconds = (ms: number) => Math.max(0, ms) / 1000;

export interface HttpObservation {
  /** The route PATTERN (the operation's path, e.g. `/api/v1/members/{id}`), never the raw URL: ids would explode cardinality. */
  route: string;
  method: string;
  status: number;
  durationMs: number;
}

// Caller: the route wrappers in lib/http (publicRoute, principalRoute, tenantRoute, platformRoute), once per
// response, in a finally block so that errors are counted with their status too.
export function observeHttpRequest({ route, method, status, durationMs }: HttpObservation): void {
  const m = getMetrics();
  const labels = { route, method: method.toUpperCase(), status: String(status) };
  m.httpRequests.inc(labels);
  m.httpDuration.observe(labels, seconds(durationMs));
}

export type PipelineRunOutcome = 'succeeded' | 'failed' | 'cancelled';
export type PipelineStepOutcome = 'succeeded' | 'failed' | 'retried' | 'skipped';

// Caller: the pipeline functions (inngest/functions/**) after each step settles. `pipeline` is the function id
// (e.g. `process-document`), `step` the step id (`extract`, `embed`, ...). Never pass tenant ids.
export function observePipelineStep(input: { pipeline: string; step: string; outcome: PipelineStepOutcome; durationMs: number }): void {
  getMetrics().pipelineStepDuration.observe({ pipeline: input.pipeline, step: input.step, outcome: input.outcome }, seconds(input.durationMs));
}

// Caller: the pipeline functions when a run ends (success handler and onFailure). Failed runs also feed the
// failure-spike detector, which opens a `pipelines` incident on /status when failures spike and resolves it
// when they calm down.
export function observePipelineRun(input: { pipeline: string; outcome: PipelineRunOutcome; durationMs: number }): void {
  const m = getMetrics();
  m.pipelineRuns.inc({ pipeline: input.pipeline, outcome: input.outcome });
  m.pipelineRunDuration.observe({ pipeline: input.pipeline, outcome: input.outcome }, seconds(input.durationMs));
  notePipelineRun(input.outcome);
}

// Caller: lib/workers/pipeline-pool.ts when a task settles. `outcome` is ok, or why it failed (out_of_memory,
// timeout, crashed, failed, aborted, closed, invalid_result).
export function observeWorkerTask(input: { task: string; outcome: string; durationMs: number }): void {
  getMetrics().workerTaskDuration.observe({ task: input.task, outcome: input.outcome }, seconds(input.durationMs));
}

export interface AiCallObservation {
  provider: string;
  operation: string;
  /** The router's usage outcome: ok, error, low_confidence, timeout. */
  outcome: string;
  latencyMs: number;
  costMicros: number;
  escalated: boolean;
}

// Caller: the AI router's recordUsage callback (lib/ai), once per provider call. An AiUsageRow fits this shape
// as is, so `recordUsage: (row) => { observeAiCall(row); return insertUsage(row) }` works.
export function observeAiCall(call: AiCallObservation): void {
  const m = getMetrics();
  const base = { provider: call.provider, operation: call.operation };
  m.aiCalls.inc({ ...base, outcome: call.outcome });
  m.aiDuration.observe(base, seconds(call.latencyMs));
  if (call.costMicros > 0) m.aiCost.inc(base, call.costMicros);
  if (call.escalated) m.aiEscalations.inc(base);
}

// Caller: lib/ratelimit's enforceLimits, when a limiter refuses (just before throwing the 429). `limiter` is
// the limiter's name (ip, api-key, auth, tenant-standard, ...).
export function observeRateLimitRefusal(limiter: string): void {
  getMetrics().rateLimitRefusals.inc({ limiter });
}

// Callers: the realtime (SSE) route. Prefer inc/dec around a stream's life (inc when it opens, dec in its
// cancel/close handler); set is for a hub that counts its own subscribers.
export function setRealtimeConnections(count: number): void {
  getMetrics().realtimeConnections.set(count);
}

export function incRealtimeConnections(): void {
  getMetrics().realtimeConnections.inc();
}

export function decRealtimeConnections(): void {
  getMetrics().realtimeConnections.dec();
}

// Called by the readiness checks (lib/health), so that alerting can follow dependencies without parsing JSON.
export function setDependencyUp(component: string, value: 0 | 0.5 | 1): void {
  getMetrics().dependencyUp.set({ component }, value);
}

// The Prometheus exposition text and its content type, for GET /api/metrics.
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const { registry } = getMetrics();
  return { body: await registry.metrics(), contentType: registry.contentType };
}
