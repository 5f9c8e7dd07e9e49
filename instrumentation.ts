// Runs once when the server starts: stamp each request with its TCP peer (lib/http/peer-address.ts), open (and, on
// the embedded default, migrate) the database, log which backend serves each concern, then start the pipelines
// (the local runner, unless Inngest is configured) and the event transport domain code sends through.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installPeerAddressStamp } = await import('./lib/http/peer-address');
  installPeerAddressStamp();
  const { startServer } = await import('./lib/startup');
  await startServer();
  const { startPipelines } = await import('./inngest/start');
  await startPipelines();
}
