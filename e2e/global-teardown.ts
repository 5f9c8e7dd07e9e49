import { rm } from 'node:fs/promises';

// The embedded database of this run lives in a temp dir named by playwright.config.ts, next to the lock file
// lib/db/pglite-lock.ts keeps for it. Playwright stops the server right after this, so neither is needed again.
export default async function globalTeardown(): Promise<void> {
  const dir = process.env.REFLEX_E2E_PGLITE_DIR;
  if (!dir?.startsWith('/tmp/reflex-e2e-')) return;
  await rm(dir, { recursive: true, force: true });
  await rm(`${dir}.lock`, { force: true });
  await rm(`${dir}-outbox`, { recursive: true, force: true });
}
