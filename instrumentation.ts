import type { Instrumentation } from 'next';

// Runs once when the server starts: set up tracing and error tracking where configured, stamp each request with
// its TCP peer (lib/http/peer-address.ts), open (and, on the embedded default, migrate) the database, log which
// backend serves each concern, then start the pipelines (the local runner, unless Inngest is configured) and the
// event transport domain code sends through.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // Node-only setup lives in its own module, loaded past the runtime check like the rest, so the edge build of
  // this file never bundles it.
  const { registerTracing, registerErrorTracking } = await import('./lib/observability/setup');
  await registerTracing();
  await registerErrorTracking();
  const { installPeerAddressStamp } = await import('./lib/http/peer-address');
  installPeerAddressStamp();
  const { startServer } = await import('./lib/startup');
  await startServer();
  const { startPipelines } = await import('./inngest/start');
  await startPipelines();
}

// Errors Next itself catches (rendering, route handlers outside our wrapper) go to Sentry too, when it is set up.
export async function onRequestError(...args: Parameters<Instrumentation.onRequestError>): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || !process.env.SENTRY_DSN) return;
  const Sentry = await import('@sentry/nextjs');
  Sentry.captureRequestError(...args);
}
