// Server-side observability, set up once at start by instrumentation.ts (Node runtime only): OpenTelemetry through
// @vercel/otel's registerOTel, and Sentry. Each only when configured; otherwise nothing is loaded.

// OpenTelemetry only when OTEL_EXPORTER_OTLP_ENDPOINT is set: nothing is created or exported otherwise. The fetch
// instrumentation stays off: outgoing URLs include webhook secrets (Slack) that must not reach a trace backend.
export async function registerTracing(): Promise<void> {
  const { getEnv } = await import('@/lib/env');
  const env = getEnv();
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return;
  const [{ registerOTel, OTLPHttpProtoTraceExporter }, { BatchSpanProcessor }, { parseOtlpHeaders, scrubbingExporter }] = await Promise.all([
    import('@vercel/otel'),
    import('@opentelemetry/sdk-trace-base'),
    import('@/lib/tracing-export'),
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

// Sentry only when SENTRY_DSN is set. Tracing stays with OpenTelemetry above (enableOpenTelemetrySetup: false), so
// Sentry sees errors only; every event passes the personal-data scrubber first.
export async function registerErrorTracking(): Promise<void> {
  const { getEnv } = await import('@/lib/env');
  const env = getEnv();
  if (!env.SENTRY_DSN) return;
  const [Sentry, { SENTRY_DATA_COLLECTION, scrubBreadcrumb, scrubEvent }, { commitSha }, { registerErrorReporter }] = await Promise.all([
    import('@sentry/nextjs'),
    import('./scrub'),
    import('./release'),
    import('./error-reporting'),
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
