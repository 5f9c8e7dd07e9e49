import { sql } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { queryRows } from '@/lib/db/sql';
import type { Database } from '@/lib/db/types';
import type { Env } from '@/lib/env';
import { measureBlobBytes } from '@/lib/storage/usage';

export interface RunnerQueue {
  // Runs not finished yet (queued, running, retrying, sleeping, waiting).
  backlog: number;
  // How long the oldest run that could start has waited, in seconds (0 when none waits).
  oldestWaitSeconds: number;
}

export interface Measurements {
  databaseBytes: number | null;
  blobBytes: number | null;
  // null when pipelines run on Inngest: its queue is Inngest's to watch.
  queue: RunnerQueue | null;
}

export function usesLocalRunner(env: Env): boolean {
  return !(env.INNGEST_EVENT_KEY || env.INNGEST_BASE_URL);
}

async function databaseBytes(db: Database): Promise<number> {
  const [row] = await queryRows<{ bytes: string | number }>(db, sql`select pg_database_size(current_database()) as bytes`);
  return Number(row?.bytes ?? 0);
}

async function runnerQueue(db: Database, now: number): Promise<RunnerQueue> {
  const [row] = await queryRows<{ backlog: string | number; oldest: Date | string | null }>(
    db,
    sql`select
          count(*) filter (where status in ('queued', 'running', 'retrying', 'sleeping', 'waiting')) as backlog,
          min(ready_at) filter (where status in ('queued', 'retrying') and ready_at <= ${new Date(now).toISOString()}::timestamptz) as oldest
        from runner_runs`,
  );
  const oldest = row?.oldest ? new Date(row.oldest).getTime() : null;
  return { backlog: Number(row?.backlog ?? 0), oldestWaitSeconds: oldest === null ? 0 : Math.max(0, Math.round((now - oldest) / 1000)) };
}

// Each measurement on its own: one that fails (the blob store unreachable) leaves the others standing.
export async function takeMeasurements(env: Env, now: number, db?: Database): Promise<{ values: Measurements; failed: string[] }> {
  const conn = db ?? (await getDb());
  const failed: string[] = [];
  const attempt = async <T>(name: string, run: () => Promise<T>): Promise<T | null> => {
    try {
      return await run();
    } catch {
      failed.push(name);
      return null;
    }
  };
  const [database, blob, queue] = await Promise.all([
    attempt('database size', () => databaseBytes(conn)),
    attempt('blob storage', () => measureBlobBytes(now)),
    usesLocalRunner(env) ? attempt('runner queue', () => runnerQueue(conn, now)) : Promise.resolve(null),
  ]);
  return { values: { databaseBytes: database, blobBytes: blob, queue }, failed };
}
