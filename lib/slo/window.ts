import { getMetrics } from '@/lib/metrics';

// What the process-wide prom-client counters say now, reduced to what the SLOs need. Counters only grow, so the
// difference between two snapshots is what happened between two evaluations: the window.

export interface GroupCounts {
  requests: number;
  errors: number;
  // Cumulative histogram buckets: upper bound in seconds (Infinity for +Inf) → requests at or under it.
  buckets: Map<number, number>;
}

export interface MetricSnapshot {
  groups: Map<string, GroupCounts>;
  pipelineRuns: number;
  pipelineFailures: number;
}

// "/api/v1/documents/{id}" → "documents", "/api/health/ready" → "health": few enough groups to alert on one by one.
export function routeGroup(route: string): string {
  const parts = route.split('/').filter(Boolean);
  const rest = parts[0] === 'api' ? parts.slice(parts[1] === 'v1' ? 2 : 1) : parts;
  const first = rest[0] ?? 'root';
  return first.startsWith('{') || first.startsWith('[') ? 'root' : first;
}

function group(groups: Map<string, GroupCounts>, name: string): GroupCounts {
  let g = groups.get(name);
  if (!g) {
    g = { requests: 0, errors: 0, buckets: new Map() };
    groups.set(name, g);
  }
  return g;
}

export async function takeMetricSnapshot(): Promise<MetricSnapshot> {
  const m = getMetrics();
  const groups = new Map<string, GroupCounts>();
  for (const v of (await m.httpRequests.get()).values) {
    const g = group(groups, routeGroup(String(v.labels.route ?? '')));
    g.requests += v.value;
    if (Number(v.labels.status) >= 500) g.errors += v.value;
  }
  for (const v of (await m.httpDuration.get()).values) {
    if (v.metricName !== 'reflex_http_request_duration_seconds_bucket') continue;
    // prom-client adds `le` to bucket values without declaring it in the label type.
    const labels: Record<string, string | number | undefined> = v.labels;
    const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
    const g = group(groups, routeGroup(String(v.labels.route ?? '')));
    g.buckets.set(le, (g.buckets.get(le) ?? 0) + v.value);
  }
  let pipelineRuns = 0;
  let pipelineFailures = 0;
  for (const v of (await m.pipelineRuns.get()).values) {
    // A cancelled run is a decision, not a failure, and not a run that could have failed either.
    if (v.labels.outcome === 'cancelled') continue;
    pipelineRuns += v.value;
    if (v.labels.outcome === 'failed') pipelineFailures += v.value;
  }
  return { groups, pipelineRuns, pipelineFailures };
}

// A counter smaller than before means the process restarted: everything it shows happened since.
const minus = (now: number, before: number | undefined) => (before === undefined || now < before ? now : now - before);

export function diffSnapshots(now: MetricSnapshot, before: MetricSnapshot | undefined): MetricSnapshot {
  const groups = new Map<string, GroupCounts>();
  for (const [name, g] of now.groups) {
    const b = before?.groups.get(name);
    const restarted = b !== undefined && g.requests < b.requests;
    const prev = restarted ? undefined : b;
    const buckets = new Map<number, number>();
    for (const [le, count] of g.buckets) buckets.set(le, minus(count, prev?.buckets.get(le)));
    groups.set(name, { requests: minus(g.requests, prev?.requests), errors: minus(g.errors, prev?.errors), buckets });
  }
  const restarted = before !== undefined && now.pipelineRuns < before.pipelineRuns;
  const prev = restarted ? undefined : before;
  return {
    groups,
    pipelineRuns: minus(now.pipelineRuns, prev?.pipelineRuns),
    pipelineFailures: minus(now.pipelineFailures, prev?.pipelineFailures),
  };
}

// The 95th percentile in milliseconds, interpolated inside its bucket as Prometheus' histogram_quantile does;
// in the +Inf bucket it is the largest finite bound (all we know is "more than that"). null without requests.
export function p95Ms(buckets: ReadonlyMap<number, number>): number | null {
  const bounds = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = bounds[bounds.length - 1]?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = 0.95 * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const [le, count] of bounds) {
    if (count >= rank) {
      if (le === Infinity) return prevBound * 1000;
      const inBucket = count - prevCount;
      const fraction = inBucket > 0 ? (rank - prevCount) / inBucket : 1;
      return (prevBound + (le - prevBound) * fraction) * 1000;
    }
    prevBound = le;
    prevCount = count;
  }
  return prevBound * 1000;
}
