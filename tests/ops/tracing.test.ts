import '../documents/blob-dir';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions } from '@/inngest';
import { inngest } from '@/inngest/client';
import { drainLocalRunner, listRuns, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { recordHeartbeat } from '@/inngest/functions/system/record-heartbeat';
import { heartbeatRequested } from '@/lib/events/system';
import { sendEvent } from '@/lib/events/send';
import { logger } from '@/lib/log';
import { currentTraceId, TRACE_CONTEXT_KEY, withSpan } from '@/lib/tracing';
import { parseOtlpHeaders, scrubbingExporter } from '@/lib/tracing-export';
import { closeOwnerDb } from '../helpers/db';
import { provision } from '../helpers/http';
import { isolateRunnerDatabase } from '../runner/harness';
import { getDocument, settle, uploadText } from '../documents/helpers';

// The test is the tracing backend: an in-memory exporter behind a real SDK provider, with the same W3C propagation
// and AsyncLocalStorage context that @vercel/otel installs in the server.
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager().enable();
let release: () => Promise<void>;

beforeAll(async () => {
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  release = await isolateRunnerDatabase();
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50, functions });
});

afterAll(async () => {
  await drainLocalRunner(60_000).catch(() => undefined);
  await stopLocalRunner();
  await closeOwnerDb();
  await release();
  trace.disable();
  context.disable();
  propagation.disable();
});

const spans = () => exporter.getFinishedSpans();
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

// Walks up from a span to the root of its trace among the finished spans.
function ancestors(span: ReadableSpan): ReadableSpan[] {
  const byId = new Map(spans().map((s) => [s.spanContext().spanId, s]));
  const out: ReadableSpan[] = [];
  let at: ReadableSpan | undefined = span;
  while (at && parentOf(at)) {
    at = byId.get(parentOf(at) ?? '');
    if (at) out.push(at);
  }
  return out;
}

describe('a document pipeline run, traced', () => {
  it('puts the route, its tenant transaction, the queries, every pipeline step and the AI calls in one trace', async () => {
    const tenant = await provision('Tracing Tenant Ltd', 'tracing.owner@example.test');
    const secretText = 'Quarterly figures for Zanzibar Pearl Holdings: revenue up, hiring Ms. Octavia Lindqvist.';
    exporter.reset();
    const res = await uploadText({ apiKey: tenant.apiKey }, secretText, 'Zanzibar plan');
    expect(res.status).toBe(202);
    const documentId: string = res.body.id;
    const doc = await settle({ apiKey: tenant.apiKey }, documentId);
    expect(doc.status).toBe('processed');

    const route = spans().find((s) => s.name === 'POST /api/v1/documents');
    if (!route) throw new Error('no route span');
    expect(route.attributes).toMatchObject({ 'http.route': '/api/v1/documents', 'http.request.method': 'POST', 'http.response.status_code': 202 });
    const traceId = route.spanContext().traceId;
    expect(res.headers.get('x-request-id')).toBe(traceId);
    const inTrace = spans().filter((s) => s.spanContext().traceId === traceId);

    // The tenant transaction is the route's child, and the database round trips are the transaction's.
    const tx = inTrace.find((s) => s.name === 'db.tenant_transaction' && ancestors(s).includes(route));
    expect(tx).toBeDefined();
    const queries = inTrace.filter((s) => s.name === 'db.query' && tx && ancestors(s).includes(tx));
    expect(queries.length).toBeGreaterThan(0);
    // The statement's kind only (PGlite opens transactions internally, a server pool sends BEGIN with the
    // settings); the upload's own row is among the request's round trips.
    const kinds = inTrace.filter((s) => s.name === 'db.query' && ancestors(s).includes(route)).map((q) => q.attributes['db.operation.name']);
    expect(kinds).toContain('INSERT');
    expect(kinds.every((k) => typeof k === 'string' && /^[A-Z]+$/.test(k))).toBe(true);

    // The event carried the route's trace; every step the run took joined it.
    const [run] = await listRuns({ functionId: 'process-document', eventData: { documentId } });
    const carried = run?.event.data[TRACE_CONTEXT_KEY] as { traceparent?: string } | undefined; // event data is JSON
    expect(carried?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const steps = inTrace.filter((s) => s.name.startsWith('step process-document/')).map((s) => s.attributes['reflex.step']);
    expect(steps).toEqual(expect.arrayContaining(['claim', 'extract', 'chunk', 'classify', 'summarize']));
    const stepSpan = inTrace.find((s) => s.name === 'step process-document/extract');
    expect(stepSpan && ancestors(stepSpan).some((a) => a.name === 'db.tenant_transaction' || a === route)).toBe(true);

    // The AI calls the steps made, by provider and model, with token counts.
    const ai = inTrace.filter((s) => s.name.startsWith('ai '));
    expect(ai.length).toBeGreaterThan(0);
    expect(ai[0]?.attributes).toMatchObject({ 'gen_ai.provider.name': expect.any(String), 'gen_ai.request.model': expect.any(String) });
    expect(ai[0]?.attributes['gen_ai.usage.input_tokens']).toEqual(expect.any(Number));

    // Nothing personal or tenant-owned in any attribute.
    const attributeText = JSON.stringify(spans().map((s) => s.attributes));
    for (const secret of ['Zanzibar', 'Octavia', tenant.tenantId, 'tracing.owner@example.test', 'Tracing Tenant', tenant.apiKey]) {
      expect(attributeText).not.toContain(secret);
    }
  });

  it('quotes the trace id as the requestId of an error response', async () => {
    const tenant = await provision();
    exporter.reset();
    const missing = '00000000-0000-4000-8000-000000000000';
    const res = await getDocument({ apiKey: tenant.apiKey }, missing);
    expect(res.status).toBe(404);
    const route = spans().find((s) => s.name === 'GET /api/v1/documents/{id}');
    expect(route?.attributes['http.response.status_code']).toBe(404);
    expect(res.body.error.requestId).toBe(route?.spanContext().traceId);
  });

  it('continues the trace an event carries, whatever context the run happens to start in', async () => {
    exporter.reset();
    // A trace started elsewhere (another instance, a client): only its W3C traceparent travels in the event.
    const remoteTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    await context.with(ROOT_CONTEXT, async () => {
      await inngest.send({
        name: heartbeatRequested.name,
        data: { tenantId: '11111111-1111-4111-8111-111111111111', requestedAt: new Date().toISOString(), [TRACE_CONTEXT_KEY]: { traceparent: `00-${remoteTrace}-00f067aa0ba902b7-01` } },
      });
      await drainLocalRunner(60_000);
    });
    const step = spans().find((s) => s.name === `step ${recordHeartbeat.opts.id}/answer`);
    expect(step?.spanContext().traceId).toBe(remoteTrace);
    expect(step?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('injects the sender’s trace into the events it sends', async () => {
    exporter.reset();
    const sender = await withSpan('sender', {}, async () => {
      const { ids } = await sendEvent(heartbeatRequested, { tenantId: '22222222-2222-4222-8222-222222222222', requestedAt: new Date().toISOString() });
      return { traceId: currentTraceId(), eventId: ids[0] };
    });
    await drainLocalRunner(60_000);
    const step = spans().find((s) => s.name === `step ${recordHeartbeat.opts.id}/answer`);
    expect(step?.spanContext().traceId).toBe(sender.traceId);
  });

  it('writes the trace id into every log line written inside a span', async () => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    try {
      const traceId = await withSpan('logging', {}, async () => {
        logger.warn('a traced warning');
        return currentTraceId();
      });
      const line = lines.map((l) => JSON.parse(l) as { message: string; traceId?: string }).find((l) => l.message === 'a traced warning');
      expect(line?.traceId).toBe(traceId);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      process.stderr.write = write;
    }
  });
});

describe('export', () => {
  it('drops query strings from URL attributes before export, and reads OTLP headers', async () => {
    const inner = new InMemorySpanExporter();
    const scrub = scrubbingExporter(inner);
    const local = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(scrub)] });
    const span = local.getTracer('t').startSpan('GET /api/v1/search', { attributes: { 'http.target': '/api/v1/search?q=octavia%20lindqvist', 'url.query': 'q=octavia', 'http.route': '/api/v1/search' } });
    span.end();
    await local.forceFlush();
    expect(inner.getFinishedSpans()[0]?.attributes).toEqual({ 'http.target': '/api/v1/search', 'http.route': '/api/v1/search' });
    expect(parseOtlpHeaders('x-honeycomb-team=abc123, dataset=reflex')).toEqual({ 'x-honeycomb-team': 'abc123', dataset: 'reflex' });
  });
});
