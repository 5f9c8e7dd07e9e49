import { randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { inject } from 'vitest';
import { getDb } from '@/lib/db/client';
import * as schema from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import type { Database, Tx } from '@/lib/db/types';

// A connection that sees everything, for arranging and inspecting from outside the application's roles:
// on real PostgreSQL the migration owner (a superuser on the test server), on PGlite the app's own connection,
// which is a superuser there. Never use it while a withTenant transaction is open on PGlite (one connection).
let owner: { db: Database; close(): Promise<void> } | undefined;

export function onServerDatabase(): boolean {
  return Boolean(inject('databaseUrl'));
}

export async function ownerDb(): Promise<Database> {
  if (owner) return owner.db;
  const url = inject('ownerDatabaseUrl');
  if (!url) {
    const db = await getDb();
    owner = { db, close: async () => {} };
    return db;
  }
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // node-postgres' drizzle instance is a PgDatabase; the result HKT differs only in row typing.
  const db = drizzle({ client: pool, schema }) as unknown as Database;
  owner = { db, close: () => pool.end() };
  return db;
}

export async function ownerRows<T>(query: SQL): Promise<T[]> {
  return queryRows<T>(await ownerDb(), query);
}

export async function closeOwnerDb(): Promise<void> {
  const o = owner;
  owner = undefined;
  await o?.close();
}

// Runs fn as the owner inside a transaction that is rolled back, on a database nobody else is using: PGlite is
// per test file already; on a server a fresh migrated database is created and dropped, because DDL there would
// take locks on tables that concurrently running test files are using.
export async function inScratchDatabase<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  const url = inject('ownerDatabaseUrl');
  if (!url) return inRolledBackTransaction(await ownerDb(), fn);
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrateDatabase } = await import('@/lib/db/migrate');
  const name = `reflex_scratch_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const scratchUrl = new URL(url);
  scratchUrl.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: scratchUrl.toString() });
  await client.connect();
  try {
    // See ownerDb: same base class, different result HKT.
    const db = drizzle({ client, schema }) as unknown as Database;
    await client.query('create extension if not exists vector');
    await migrateDatabase(db, 'postgres');
    return await inRolledBackTransaction(db, fn);
  } finally {
    await client.end();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

// The same discovery rule as reflex_secure_schema() (drizzle/0002_secure_schema.sql): a table in public with a
// tenant_id column, plus tenants itself. Read from the catalog so that tables added later are covered.
export async function listTenantTables(): Promise<string[]> {
  const rows = await ownerRows<{ relname: string }>(sql`
    select c.relname
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
      and (c.relname = 'tenants' or exists (
        select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped))
    order by c.relname`);
  return rows.map((r) => r.relname);
}

// Tables whose comment marks them append-only: reflex_secure_schema() grants app_user SELECT and INSERT only.
export async function listAppendOnlyTables(): Promise<string[]> {
  const rows = await ownerRows<{ relname: string }>(sql`
    select c.relname
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
      and coalesce(obj_description(c.oid, 'pg_class'), '') like '%reflex:append-only%'
    order by c.relname`);
  return rows.map((r) => r.relname);
}

// Thrown to leave a transaction after looking: the caller gets the value, the database keeps nothing.
class Rollback<T> extends Error {
  constructor(readonly value: T) {
    super('rollback');
  }
}

async function captureRollback<T>(run: () => Promise<unknown>): Promise<T> {
  try {
    await run();
  } catch (err) {
    if (err instanceof Rollback) return err.value as T;
    throw err;
  }
  throw new Error('transaction was expected to roll back');
}

// A plain transaction on db (no role change), rolled back at the end.
export function inRolledBackTransaction<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return captureRollback<T>(() =>
    db.transaction(async (tx) => {
      throw new Rollback(await fn(tx));
    }),
  );
}

// withTenant exactly as the application uses it, rolled back at the end.
export function inTenantRolledBack<T>(tenantId: string, fn: (tx: Tx) => Promise<T>, userId?: string): Promise<T> {
  return captureRollback<T>(() =>
    withTenant(
      tenantId,
      async (tx) => {
        throw new Rollback(await fn(tx));
      },
      { userId },
    ),
  );
}

// A transaction as app_user with no tenant chosen (only the role is set), rolled back at the end.
export async function asAppUserWithoutTenant<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  const db = await getDb();
  return captureRollback<T>(() =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'app_user', true)`);
      throw new Rollback(await fn(tx));
    }),
  );
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

// Lets a statement fail inside a transaction without leaving it (the transaction is aborted and rolled back).
export async function attempt<T>(p: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

// SQLSTATE of a failed query, looking through the wrappers drizzle puts around driver errors.
export function sqlState(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function errorText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e && typeof e === 'object' ? (e as { cause?: unknown }).cause : undefined;
  }
  return parts.join(' <- ');
}

export const INSUFFICIENT_PRIVILEGE = '42501';
