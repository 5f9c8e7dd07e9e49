import { getEnv, type Env } from '@/lib/env';
import { logger } from '@/lib/log';
import * as schema from './schema';
import type { Database, DbKind, Tx } from './types';
import { acquirePgliteLock } from './pglite-lock';
import { migrateDatabase } from './migrate';
import { queryRows } from './sql';
import { tracePgliteQueries, traceQueryMethod } from './trace-queries';
import { createPoolTransactions, type TransactionRunner } from './pool-transaction';

export interface DbHandle {
  db: Database;
  kind: DbKind;
  /** A transaction whose setup statements run first; on server pools they go out with BEGIN (pool-transaction.ts). */
  transaction: TransactionRunner;
  close(): Promise<void>;
}

export function chooseDriver(env: Env): DbKind {
  if (env.DATABASE_DRIVER === 'pglite' || !env.DATABASE_URL) return 'pglite';
  if (env.DATABASE_DRIVER === 'neon') return 'neon';
  if (env.DATABASE_DRIVER === 'pg') return 'postgres';
  return new URL(env.DATABASE_URL).hostname.endsWith('.neon.tech') ? 'neon' : 'postgres';
}

async function openPglite(env: Env): Promise<DbHandle> {
  if (env.VERCEL) {
    throw new Error('The embedded database cannot run on Vercel (its disk does not last). Set DATABASE_URL.');
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const { drizzle } = await import('drizzle-orm/pglite');
  const inMemory = env.PGLITE_DIR === 'memory://';
  const release = inMemory ? () => {} : acquirePgliteLock(env.PGLITE_DIR);
  // PGlite's WebAssembly memory only grows, and Postgres touches all of shared_buffers while it starts: initdb's
  // 128MB default was ~110 MB of the idle server's RSS. Its files sit in the OS page cache (or, in memory, in the JS
  // heap), so a smaller buffer pool costs a copy per miss, not a disk read. Appended to PGlite's own start
  // parameters: a -c setting overrides postgresql.conf without rewriting it (PGlite's postgresqlconf option would).
  const client = await PGlite.create(inMemory ? undefined : env.PGLITE_DIR, {
    extensions: { vector },
    startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'],
  });
  tracePgliteQueries(client);
  // drizzle's per-driver database classes all extend PgDatabase; the HKT differs only in result row typing.
  const db = drizzle({ client, schema }) as unknown as Database;
  await migrateDatabase(db, 'pglite');
  return {
    db,
    kind: 'pglite',
    // In-process: a round trip costs no socket, and PGlite serialises transactions on its one connection itself.
    transaction: (setup, fn) =>
      db.transaction(async (tx) => {
        let rows: unknown[] = [];
        for (const statement of setup) rows = await queryRows(tx, statement);
        return fn(tx, rows);
      }),
    close: async () => {
      await client.close();
      release();
    },
  };
}

async function openNeon(url: string, env: Env): Promise<DbHandle> {
  const { Pool, neonConfig } = await import('@neondatabase/serverless');
  const { default: ws } = await import('ws');
  const { drizzle, NeonSession, NeonTransaction } = await import('drizzle-orm/neon-serverless');
  neonConfig.webSocketConstructor = ws;
  const pool = new Pool({ connectionString: url, max: env.DB_POOL_MAX });
  pool.on('connect', (client: object) => traceQueryMethod(client, 'query'));
  // See openPglite: same base class, different result HKT.
  const db = drizzle({ client: pool, schema }) as unknown as Database;
  const transaction = createPoolTransactions(
    () => pool.connect(),
    // The driver's transaction class is a PgTransaction with its own result HKT, as for the database above.
    (client, dialect, relational) => new NeonTransaction(dialect, new NeonSession(client, dialect, relational), relational) as unknown as Tx,
  );
  return { db, kind: 'neon', transaction, close: () => pool.end() };
}

async function openPostgres(url: string, env: Env): Promise<DbHandle> {
  const { Pool } = await import('pg');
  const { drizzle, NodePgSession, NodePgTransaction } = await import('drizzle-orm/node-postgres');
  const pool = new Pool({ connectionString: url, max: env.DB_POOL_MAX, connectionTimeoutMillis: 5_000 });
  pool.on('error', (err) => logger.error('postgres pool error', { error: err.message }));
  pool.on('connect', (client) => traceQueryMethod(client, 'query'));
  // See openPglite: same base class, different result HKT.
  const db = drizzle({ client: pool, schema }) as unknown as Database;
  const transaction = createPoolTransactions(
    () => pool.connect(),
    // See openNeon.
    (client, dialect, relational) => new NodePgTransaction(dialect, new NodePgSession(client, dialect, relational), relational) as unknown as Tx,
  );
  return { db, kind: 'postgres', transaction, close: () => pool.end() };
}

export async function openDatabase(env: Env): Promise<DbHandle> {
  const kind = chooseDriver(env);
  if (kind === 'pglite') return openPglite(env);
  const url = env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required for a server database');
  return kind === 'neon' ? openNeon(url, env) : openPostgres(url, env);
}

// One handle per process, kept on globalThis so that Next's dev reloads do not open PGlite twice.
const holder = globalThis as typeof globalThis & { __reflexDb?: Promise<DbHandle> };

export function getDbHandle(): Promise<DbHandle> {
  holder.__reflexDb ??= openDatabase(getEnv()).catch((err: unknown) => {
    holder.__reflexDb = undefined;
    throw err;
  });
  return holder.__reflexDb;
}

export async function getDb(): Promise<Database> {
  return (await getDbHandle()).db;
}

export async function closeDb(): Promise<void> {
  const pending = holder.__reflexDb;
  holder.__reflexDb = undefined;
  if (pending) await (await pending).close();
}
