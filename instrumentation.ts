// Runs once when the server starts: open (and, on the embedded default, migrate) the database, resume the
// local pipeline runner, and log which backend serves each concern.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startServer } = await import('./lib/startup');
  await startServer();
}
