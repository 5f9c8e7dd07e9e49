import autocannon from 'autocannon';
import type { LoadPlan } from './scenarios';

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

// Exact percentiles from every response time (autocannon's own summary has no p95).
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function runLoad(baseUrl: string, plan: LoadPlan, opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let connection = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${baseUrl}${plan.path}`,
        method: plan.method ?? 'GET',
        connections: opts.connections,
        duration: opts.durationSeconds,
        timeout: 30,
        headers: plan.headers ?? {},
        body: plan.body,
        setupClient: (client) => {
          const perConnection = plan.perConnectionHeaders;
          if (perConnection && perConnection.length > 0) {
            client.setHeaders({ ...plan.headers, ...perConnection[connection % perConnection.length] });
            connection += 1;
          }
        },
      },
      (err, result) => {
        if (err) return reject(err);
        const sorted = latencies.sort((a, b) => a - b);
        const statusCodes: Record<string, number> = {};
        for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = count;
        resolve({
          requests: result.requests.total,
          requestsPerSecond: result.requests.average,
          p50: percentile(sorted, 50),
          p95: percentile(sorted, 95),
          p99: percentile(sorted, 99),
          max: sorted.at(-1) ?? Number.NaN,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          statusCodes,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
      latencies.push(responseTimeMs);
    });
  });
}
