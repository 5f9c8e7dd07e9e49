import { sql } from 'drizzle-orm';
import { getDbHandle, chooseDriver } from '@/lib/db/client';
import { migrateDatabase } from '@/lib/db/migrate';
import * as schema from '@/lib/db/schema';
import type { Database, DbKind } from '@/lib/db/types';
import type { Env } from '@/lib/env';

export interface OwnerDatabase {
  db: Database;
  kind: DbKind;
  /** Where it is, without credentials, for logs and drill records. */
  label: string;
  close(): Promise<void>;
}

function redact(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}

// A server database as its owner: backup and restore read and write every tenant's rows, which app_user (RLS) and
// app_auth (no grants on tenant tables) cannot. node-postgres also reaches Neon over TCP.
export async function openPostgresAsOwner(url: string, kind: DbKind = 'postgres'): Promise<OwnerDatabase> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 10_000 });
  // node-postgres' drizzle instance is a PgDatabase; the result HKT differs only in row typing.
  const db = drizzle({ client: pool, schema }) as unknown as Database;
  return { db, kind, label: redact(url), close: () => pool.end() };
}

// The configured database as its owner: DATABASE_OWNER_URL (else DATABASE_URL) on a server, the process's own
// PGlite (a superuser) on the embedded default.
export async function openConfiguredOwner(env: Env): Promise<OwnerDatabase> {
  const kind = chooseDriver(env);
  const url = env.DATABASE_OWNER_URL ?? env.DATABASE_URL;
  if (kind === 'pglite' || !url) {
    const handle = await getDbHandle();
    return { db: handle.db, kind: 'pglite', label: `pglite:${env.PGLITE_DIR}`, close: async () => {} };
  }
  return openPostgresAsOwner(url, kind);
}

// A separate PGlite (a directory, or memory:// for a scratch copy), migrated by this build.
export async function openPgliteTarget(dir: string): Promise<OwnerDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const { drizzle } = await import('drizzle-orm/pglite');
  const client = await PGlite.create(dir === 'memory://' ? undefined : dir, { extensions: { vector } });
  // See openPostgresAsOwner.
  const db = drizzle({ client, schema }) as unknown as Database;
  await migrateDatabase(db, 'pglite');
  return { db, kind: 'pglite', label: `pglite:${dir}`, close: () => client.close() };
}

// A server database to restore into, as its owner; migrated by this build (a no-op when it already is).
export async function openPostgresTarget(url: string): Promise<OwnerDatabase> {
  const target = await openPostgresAsOwner(url);
  // pgvector needs a superuser or a trusted-extension role; on a server that has it already this is a no-op.
  await target.db.execute(sql`create extension if not exists vector`).catch(() => undefined);
  await migrateDatabase(target.db, 'postgres');
  return target;
}
