import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

// Seconds. HTTP spans a fast JSON route (~1 ms) to a slow search; pipeline steps run up to minutes.
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STEP_BUCKETS = [0.05, 0.25, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

function build() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'reflex_' });
  const registers = [registry];
  // Labels are bounded sets (route patterns, providers, outcomes). Tenant ids never become labels: that would
  // explode cardinality and publish who our customers are to whoever can scrape.
  return {
    registry,
    httpRequests: new Counter({
      name: 'reflex_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status',
      labelNames: ['route', 'method', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'reflex_http_request_duration_seconds',
      help: 'HTTP request latency, by route pattern, method and status',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: HTTP_BUCKETS,
      registers,
    }),
    pipelineRuns: new Counter({
      name: 'reflex_pipeline_runs_total',
      help: 'Pipeline runs finished, by pipeline and outcome',
      labelNames: ['pipeline', 'outcome'] as const,
      registers,
    }),
    pipelineRunDuration: new Histogram({
      name: 'reflex_pipeline_run_duration_seconds',
      help: 'Pipeline run duration, by pipeline and outcome',
      labelNames: ['pipeline', 'outcome'] as const,
      buckets: STEP_BUCKETS,
      registers,
    }),
    pipelineStepDuration: new Histogram({
      name: 'reflex_pipeline_step_duration_seconds',
      help: 'Pipeline step duration, by pipeline, step and outcome (its _count is the number of steps)',
      labelNames: ['pipeline', 'step', 'outcome'] as const,
      buckets: STEP_BUCKETS,
      registers,
    }),
    workerTaskDuration: new Histogram({
      name: 'reflex_pipeline_worker_task_duration_seconds',
      help: 'Tasks run in the pipeline worker pool, from queueing to result, by task type and outcome (its _count is the number of tasks)',
      labelNames: ['task', 'outcome'] as const,
      buckets: STEP_BUCKETS,
      registers,
    }),
    aiCalls: new Counter({
      name: 'reflex_ai_calls_total',
      help: 'AI provider calls, by provider, operation and outcome',
      labelNames: ['provider', 'operation', 'outcome'] as const,
      registers,
    }),
    aiCost: new Counter({
      name: 'reflex_ai_cost_microdollars_total',
      help: 'AI spend in micro-dollars (1e-6 USD), by provider and operation',
      labelNames: ['provider', 'operation'] as const,
      registers,
    }),
    aiEscalations: new Counter({
      name: 'reflex_ai_escalations_total',
      help: 'AI calls made because an earlier provider failed, timed out or was unsure, by provider reached and operation',
      labelNames: ['provider', 'operation'] as const,
      registers,
    }),
    aiDuration: new Histogram({
      name: 'reflex_ai_call_duration_seconds',
      help: 'AI provider call latency, by provider and operation',
      labelNames: ['provider', 'operation'] as const,
      buckets: STEP_BUCKETS,
      registers,
    }),
    rateLimitRefusals: new Counter({
      name: 'reflex_rate_limit_refusals_total',
      help: 'Requests refused with 429, by limiter (ip, api-key, auth, tenant-<plan>, ...)',
      labelNames: ['limiter'] as const,
      registers,
    }),
    realtimeConnections: new Gauge({
      name: 'reflex_realtime_connections',
      help: 'Open realtime (SSE) connections on this instance',
      registers,
    }),
    dependencyUp: new Gauge({
      name: 'reflex_dependency_up',
      help: 'Last readiness result per component: 1 up, 0.5 degraded, 0 down',
      labelNames: ['component'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof build>;

// On globalThis so that Next's dev reloads and duplicate bundles share one registry instead of registering
// every metric twice (prom-client throws on that).
const holder = globalThis as typeof globalThis & { __reflexMetrics?: Metrics };

export function getMetrics(): Metrics {
  holder.__reflexMetrics ??= build();
  return holder.__reflexMetrics;
}
