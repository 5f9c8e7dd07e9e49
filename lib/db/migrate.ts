import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database, DbKind } from './types';

export const MIGRATIONS_FOLDER = path.join(process.cwd(), 'drizzle');

// Runs the journal, then re-secures every tenant table (drizzle/0002_secure_schema.sql explains why).
export async function migrateDatabase(db: Database, kind: DbKind): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  if (kind === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    // The migrators are typed per driver; all accept the shared PgDatabase at run time.
    await migrate(db as unknown as Parameters<typeof migrate>[0], config);
  } else if (kind === 'neon') {
    const { migrate } = await import('drizzle-orm/neon-serverless/migrator');
    // See above.
    await migrate(db as unknown as Parameters<typeof migrate>[0], config);
  } else {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    // See above.
    await migrate(db as unknown as Parameters<typeof migrate>[0], config);
  }
  await db.execute(sql`select reflex_secure_schema()`);
}
