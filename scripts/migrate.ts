// `npm run db:migrate`: applies drizzle/ to the configured database as its owner.
// Server databases: DATABASE_OWNER_URL (falls back to DATABASE_URL). Embedded: the PGlite directory (it is also
// migrated automatically whenever the app starts).
import { closeDb, getDbHandle } from '@/lib/db/client';
import { parseEnv } from '@/lib/env';

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const ownerUrl = env.DATABASE_OWNER_URL ?? env.DATABASE_URL;
  if (ownerUrl) {
    process.env.DATABASE_URL = ownerUrl;
    const { migrateDatabase } = await import('@/lib/db/migrate');
    const handle = await getDbHandle();
    await migrateDatabase(handle.db, handle.kind);
    console.log(JSON.stringify({ migrated: true, database: handle.kind }));
  } else {
    await getDbHandle();
    console.log(JSON.stringify({ migrated: true, database: 'pglite', dir: env.PGLITE_DIR }));
  }
  await closeDb();
}

main().catch((err: unknown) => {
  console.error(`db:migrate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
