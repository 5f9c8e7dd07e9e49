// Small helpers for scenarios autocannon cannot drive (multi-step flows, streamed answers): a timed fetch loop.
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');

export interface LoopResult {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  failures: number;
  statusCodes: Record<string, number>;
}

/**
 * Runs `once` back to back on `concurrency` workers for `durationSeconds`; `once` resolves to the HTTP status.
 * `maxPerSecond` caps the start rate (a tenant's plan limit would otherwise turn the measurement into 429s).
 */
export async function timedLoop(
  concurrency: number,
  durationSeconds: number,
  once: (i: number) => Promise<number>,
  maxPerSecond = Number.POSITIVE_INFINITY,
): Promise<LoopResult> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let failures = 0;
  let n = 0;
  const started = performance.now();
  const end = started + durationSeconds * 1000;
  let slot = started;
  const worker = async () => {
    while (performance.now() < end) {
      const wait = slot - performance.now();
      slot = Math.max(slot, performance.now()) + 1000 / maxPerSecond;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t = performance.now();
      const status = await once(n++).catch(() => 0);
      latencies.push(performance.now() - t);
      statusCodes[String(status)] = (statusCodes[String(status)] ?? 0) + 1;
      if (status < 200 || status >= 300) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    requestsPerSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    failures,
    statusCodes,
  };
}

export async function apiCall(baseUrl: string, apiKey: string, method: string, p: string, body?: unknown): Promise<Response> {
  return fetch(`${baseUrl}${p}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
