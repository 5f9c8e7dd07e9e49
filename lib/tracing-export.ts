import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

// Attributes that other instrumentation (Next.js' own server spans) fills with the raw request URL, whose query
// string can carry what a person typed (a search). Exported without the query: path templates and ids only.
const URL_ATTRIBUTES = ['http.target', 'http.url', 'url.full', 'url.query'];

function scrubbed(span: ReadableSpan): ReadableSpan {
  const touched = URL_ATTRIBUTES.filter((k) => typeof span.attributes[k] === 'string');
  if (touched.length === 0) return span;
  const attributes = { ...span.attributes };
  for (const key of touched) {
    const value = String(attributes[key]);
    if (key === 'url.query') delete attributes[key];
    else attributes[key] = value.split('?')[0];
  }
  // The span itself stays untouched (other processors may read it); the exporter sees a view with these attributes.
  return Object.assign(Object.create(span) as ReadableSpan, { attributes });
}

export function scrubbingExporter(inner: SpanExporter): SpanExporter {
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      inner.export(spans.map(scrubbed), done);
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

// OTEL_EXPORTER_OTLP_HEADERS: "key=value,key2=value2", as the OpenTelemetry spec writes it.
export function parseOtlpHeaders(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) out[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return out;
}
