// Runs once when the server starts: set up tracing when an OTLP endpoint is configured, stamp each request with
// its TCP peer (lib/http/peer-address.ts), open (and, on the embedded default, migrate) the database, log which
// backend serves each concern, then start the pipelines (the local runner, unless Inngest is configured) and the
// event transport domain code sends through.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  await registerTracing();
  const { installPeerAddressStamp } = await import('./lib/http/peer-address');
  installPeerAddressStamp();
  const { startServer } = await import('./lib/startup');
  await startServer();
  const { startPipelines } = await import('./inngest/start');
  await startPipelines();
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
