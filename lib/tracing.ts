import { context, isSpanContextValid, propagation, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';

// Spans from lib code go through the OpenTelemetry API only. Without a registered provider (instrumentation.ts
// registers @vercel/otel) every call here is a no-op, so tests and scripts pay nothing.
// Attributes name operations, never people or tenant content: route templates, operation and step ids, status
// codes, model names, token counts. No SQL text, no ids of tenants or users, no error messages.

const TRACER = 'reflex';

function tracer() {
  return trace.getTracer(TRACER);
}

// The error's class only: a message can quote user input.
function markFailed(span: Span, err: unknown): void {
  const type = err instanceof Error ? err.constructor.name : typeof err;
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

// Runs fn inside a new active span, ended when fn settles.
export function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>, parent?: Context): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      markFailed(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

// A span the caller ends itself, for work whose outcome is known only after the awaited part (an AI call: the
// token counts come with the parsed answer). runInSpan makes it the parent of what fn starts.
export function startSpan(name: string, attributes: Attributes): Span {
  return tracer().startSpan(name, { attributes });
}

export function runInSpan<T>(span: Span, fn: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpan(context.active(), span), fn);
}

export function endSpan(span: Span, attributes: Attributes, failed: boolean): void {
  span.setAttributes(attributes);
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

// The trace this code runs in, for log lines and request ids; undefined when nothing is traced.
export function currentTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

// The key under which events carry their sender's trace context (W3C traceparent/tracestate) in event data.
export const TRACE_CONTEXT_KEY = '_trace';

export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

// The active trace context as W3C headers, or undefined when nothing is traced.
export function injectTraceContext(): TraceCarrier | undefined {
  if (!currentTraceId()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  if (!carrier.traceparent) return undefined;
  return carrier.tracestate ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate } : { traceparent: carrier.traceparent };
}

// The context an event's sender was in, read from its data; the active context when the event carries none.
export function extractTraceContext(data: unknown): Context {
  // Event data is a JSON object; only the one key is read, and checked below.
  const carried = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[TRACE_CONTEXT_KEY] : undefined;
  if (typeof carried !== 'object' || carried === null) return context.active();
  const headers: Record<string, string> = {};
  for (const key of ['traceparent', 'tracestate'] as const) {
    // Checked to be a non-null object just above.
    const value = (carried as Record<string, unknown>)[key];
    if (typeof value === 'string' && value.length <= 512) headers[key] = value;
  }
  return propagation.extract(context.active(), headers);
}
