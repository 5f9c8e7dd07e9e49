import type { Instrumentation } from 'next';

// Runs once when the server starts: set up tracing when an OTLP endpoint is configured, stamp each request with
// its TCP peer (lib/http/peer-address.ts), open (and, on the embedded default, migrate) the database, log which
// backend serves each concern, then start the pipelines (the local runner, unless Inngest is configured) and the
// event transport domain code sends through.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  await registerTracing();
  await registerErrorTracking();
  const { installPeerAddressStamp } = await import('./lib/http/peer-address');
  installPeerAddressStamp();
  const { startServer } = await import('./lib/startup');
  await startServer();
  const { startPipelines } = await import('./inngest/start');
  await startPipelines();
}

// Sentry only when SENTRY_DSN is set. Tracing stays with OpenTelemetry above (enableOpenTelemetrySetup: false), so
// Sentry sees errors only; every event passes the personal-data scrubber first.
async function registerErrorTracking(): Promise<void> {
  const { getEnv } = await import('./lib/env');
  const env = getEnv();
  if (!env.SENTRY_DSN) return;
  const [Sentry, { SENTRY_DATA_COLLECTION, scrubBreadcrumb, scrubEvent }, { commitSha }, { registerErrorReporter }] = await Promise.all([
    import('@sentry/nextjs'),
    import('./lib/observability/scrub'),
    import('./lib/observability/release'),
    import('./lib/observability/error-reporting'),
  ]);
  Sentry.init({
    dsn: env.SENTRY_DSN,
    release: commitSha(),
    environment: env.SENTRY_ENVIRONMENT ?? env.NODE_ENV,
    dataCollection: SENTRY_DATA_COLLECTION,
    enableOpenTelemetrySetup: false,
    beforeSend: (event) => scrubEvent(event),
    beforeBreadcrumb: (crumb) => scrubBreadcrumb(crumb),
  });
  registerErrorReporter((error, tags) => Sentry.captureException(error, { tags }));
}

// Errors Next itself catches (rendering, route handlers outside our wrapper) go to Sentry too, when it is set up.
export async function onRequestError(...args: Parameters<Instrumentation.onRequestError>): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || !process.env.SENTRY_DSN) return;
  const Sentry = await import('@sentry/nextjs');
  Sentry.captureRequestError(...args);
}

// OpenTelemetry only when OTEL_EXPORTER_OTLP_ENDPOINT is set: nothing is created or exported otherwise. The fetch
// instrumentation stays off: outgoing URLs include webhook secrets (Slack) that must not reach a trace backend.
async function registerTracing(): Promise<void> {
  const { getEnv } = await import('./lib/env');
  const env = getEnv();
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return;
  const [{ registerOTel, OTLPHttpProtoTraceExporter }, { BatchSpanProcessor }, { parseOtlpHeaders, scrubbingExporter }] = await Promise.all([
    import('@vercel/otel'),
    import('@opentelemetry/sdk-trace-base'),
    import('./lib/tracing-export'),
  ]);
  const exporter = new OTLPHttpProtoTraceExporter({
    url: `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`,
    headers: parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
  });
  registerOTel({
    serviceName: env.OTEL_SERVICE_NAME,
    instrumentations: [],
    spanProcessors: [new BatchSpanProcessor(scrubbingExporter(exporter))],
  });
}
