import { trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { registerTracing } from '@/lib/observability/setup';
import { currentTraceId, withSpan } from '@/lib/tracing';
import { startFakeServer } from '../fakes/http-server';

// The real registration (@vercel/otel) against a collector that speaks OTLP/HTTP: 200 to a protobuf POST on
// /v1/traces.
const collector = await startFakeServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/x-protobuf' });
  res.end();
});

afterAll(async () => {
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  resetEnvForTests();
  trace.disable();
  await collector.close();
});

// The global provider @vercel/otel registered, flushed so the batch goes out now rather than in 5 s.
async function flush(): Promise<void> {
  const provider: unknown = trace.getTracerProvider();
  const delegate: unknown = provider && typeof provider === 'object' && 'getDelegate' in provider && typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider;
  if (delegate && typeof delegate === 'object' && 'forceFlush' in delegate && typeof delegate.forceFlush === 'function') await delegate.forceFlush();
}

describe('OTLP export', () => {
  it('sets nothing up without OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    await registerTracing();
    const traceId = await withSpan('untraced', {}, async () => currentTraceId());
    expect(traceId).toBeUndefined();
  });

  it('exports spans to the endpoint once it is set, without URL query strings', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.url;
    resetEnvForTests();
    await registerTracing();
    const traceId = await withSpan('GET /api/v1/search', { 'http.route': '/api/v1/search', 'http.target': '/api/v1/search?q=octavia' }, async () => currentTraceId());
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    await flush();
    const posts = collector.requests.filter((r) => r.path === '/v1/traces');
    expect(posts.length).toBeGreaterThan(0);
    expect(posts[0]?.headers['content-type']).toBe('application/x-protobuf');
    const body = Buffer.concat(posts.map((p) => p.body));
    expect(body.includes(Buffer.from(traceId ?? '', 'hex'))).toBe(true);
    expect(body.includes(Buffer.from('/api/v1/search'))).toBe(true);
    expect(body.includes(Buffer.from('octavia'))).toBe(false);
  });
});
