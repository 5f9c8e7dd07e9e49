import { afterEach, describe, expect, it, vi } from 'vitest';
import * as metricsRoute from '@/app/api/metrics/route';
import * as ready from '@/app/api/health/ready/route';
import { getDbHandle } from '@/lib/db/client';
import { resetEnvForTests } from '@/lib/env';
import {
  decRealtimeConnections,
  incRealtimeConnections,
  observeAiCall,
  observeHttpRequest,
  observePipelineRun,
  observePipelineStep,
  observeRateLimitRefusal,
  setRealtimeConnections,
} from '@/lib/metrics';
import { call } from '../helpers/http';

// One sample line of the exposition text, e.g. value('reflex_ai_calls_total', { provider: 'openai' }).
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const row of text.split('\n')) {
    if (!row.startsWith(`${name}{`) && !row.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => row.includes(`${k}="${v}"`))) return Number(row.slice(row.lastIndexOf(' ') + 1));
  }
  return undefined;
}

afterEach(() => {
  delete process.env.METRICS_TOKEN;
  vi.unstubAllEnvs();
  resetEnvForTests();
});

describe('GET /api/metrics', () => {
  it('exposes every documented series in Prometheus text format', async () => {
    await getDbHandle();
    await call(ready.GET, { path: '/api/health/ready' });
    observeHttpRequest({ route: '/api/v1/members/{id}', method: 'get', status: 200, durationMs: 12 });
    observeHttpRequest({ route: '/api/v1/members/{id}', method: 'GET', status: 200, durationMs: 30 });
    observeHttpRequest({ route: '/api/v1/members/{id}', method: 'GET', status: 404, durationMs: 3 });
    observePipelineStep({ pipeline: 'process-document', step: 'embed', outcome: 'succeeded', durationMs: 1_500 });
    observePipelineRun({ pipeline: 'process-document', outcome: 'succeeded', durationMs: 9_000 });
    observeAiCall({ provider: 'openai', operation: 'summarize', outcome: 'ok', latencyMs: 800, costMicros: 1_250, escalated: false });
    observeAiCall({ provider: 'offline', operation: 'summarize', outcome: 'ok', latencyMs: 5, costMicros: 0, escalated: true });
    observeRateLimitRefusal('api-key');
    setRealtimeConnections(3);
    incRealtimeConnections();
    decRealtimeConnections();
    incRealtimeConnections();

    const res = await call(metricsRoute.GET, { path: '/api/metrics' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text: string = res.body;

    const route = { route: '/api/v1/members/{id}', method: 'GET' };
    expect(value(text, 'reflex_http_requests_total', { ...route, status: '200' })).toBe(2);
    expect(value(text, 'reflex_http_requests_total', { ...route, status: '404' })).toBe(1);
    expect(value(text, 'reflex_http_request_duration_seconds_count', { ...route, status: '200' })).toBe(2);
    expect(value(text, 'reflex_http_request_duration_seconds_bucket', { ...route, status: '200', le: '0.025' })).toBe(1);
    expect(value(text, 'reflex_pipeline_step_duration_seconds_count', { pipeline: 'process-document', step: 'embed', outcome: 'succeeded' })).toBe(1);
    expect(value(text, 'reflex_pipeline_runs_total', { pipeline: 'process-document', outcome: 'succeeded' })).toBe(1);
    expect(value(text, 'reflex_pipeline_run_duration_seconds_sum', { pipeline: 'process-document' })).toBe(9);
    expect(value(text, 'reflex_ai_calls_total', { provider: 'openai', operation: 'summarize', outcome: 'ok' })).toBe(1);
    expect(value(text, 'reflex_ai_cost_microdollars_total', { provider: 'openai' })).toBe(1_250);
    expect(value(text, 'reflex_ai_escalations_total', { provider: 'offline' })).toBe(1);
    expect(value(text, 'reflex_ai_escalations_total', { provider: 'openai' })).toBeUndefined();
    expect(value(text, 'reflex_rate_limit_refusals_total', { limiter: 'api-key' })).toBe(1);
    expect(value(text, 'reflex_realtime_connections')).toBe(4);
    // Set by the readiness request above.
    expect(value(text, 'reflex_dependency_up', { component: 'database' })).toBe(1);
    expect(text).toContain('reflex_process_cpu_seconds_total');
    // Labels stay bounded: no tenant ids, no raw URLs.
    expect(text).not.toMatch(/tenant_?id/i);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });

  it('needs the bearer token when METRICS_TOKEN is set', async () => {
    process.env.METRICS_TOKEN = 'scrape-token-0123456789';
    resetEnvForTests();
    const none = await call(metricsRoute.GET, { path: '/api/metrics' });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthenticated');
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await call(metricsRoute.GET, { path: '/api/metrics', headers: { authorization: 'Bearer scrape-token-0123456788' } });
    expect(wrong.status).toBe(401);
    const right = await call(metricsRoute.GET, { path: '/api/metrics', headers: { authorization: 'Bearer scrape-token-0123456789' } });
    expect(right.status).toBe(200);
    expect(right.body).toContain('reflex_http_requests_total');
  });

  it('in production answers 404 while METRICS_TOKEN is unset, and needs the token once it is set', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    resetEnvForTests();
    const off = await call(metricsRoute.GET, { path: '/api/metrics' });
    expect(off.status).toBe(404);
    expect(off.body.error.code).toBe('not_found');
    expect(JSON.stringify(off.body)).not.toContain('reflex_');

    process.env.METRICS_TOKEN = 'scrape-token-0123456789';
    resetEnvForTests();
    expect((await call(metricsRoute.GET, { path: '/api/metrics' })).status).toBe(401);
    const right = await call(metricsRoute.GET, { path: '/api/metrics', headers: { authorization: 'Bearer scrape-token-0123456789' } });
    expect(right.status).toBe(200);
    expect(right.body).toContain('reflex_http_requests_total');
  });
});
