import { sql } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { queryRows } from '@/lib/db/sql';
import { getEnv } from '@/lib/env';
import { logger } from '@/lib/log';

// Requests per organization and UTC day, for allocating the infrastructure bill (lib/economics/compute.ts). The
// route wrapper is a hot path: counting is one Map increment in process, and the counts reach the database in one
// batched upsert every REQUEST_COUNT_FLUSH_SECONDS and on shutdown. A crash loses the counts of the last few
// seconds; for splitting a monthly bill by share that error is negligible, and the price of exactness (a write per
// request) is not.

interface CounterState {
  counts: Map<string, number>;
  timer: ReturnType<typeof setInterval> | null;
  flushing: Promise<number> | null;
}

const holder = globalThis as typeof globalThis & { __reflexRequestCounter?: CounterState };

function state(): CounterState {
  holder.__reflexRequestCounter ??= { counts: new Map(), timer: null, flushing: null };
  return holder.__reflexRequestCounter;
}

const keyOf = (tenantId: string, day: string) => `${tenantId}|${day}`;

/** Counts one request served for this organization. Never touches the database. */
export function countTenantRequest(tenantId: string, now = new Date()): void {
  const { counts } = state();
  const key = keyOf(tenantId, now.toISOString().slice(0, 10));
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Counts not yet written to the database. */
export function pendingRequestCounts(): number {
  let n = 0;
  for (const v of state().counts.values()) n += v;
  return n;
}

async function writeBatch(batch: Map<string, number>): Promise<number> {
  const rows = [...batch].map(([key, requests]) => {
    const [tenantId, day] = key.split('|');
    return { tenantId, day, requests };
  });
  const db = await getDb();
  const [row] = await queryRows<{ n: number }>(db, sql`select reflex_add_request_counts(${JSON.stringify(rows)}::jsonb) as n`);
  return Number(row?.n ?? 0);
}

/**
 * Writes the counts gathered so far in one statement. The map is swapped out first, so requests counted during the
 * write go to the next batch; a failed write puts its counts back to be retried with the next flush.
 */
export async function flushRequestCounts(): Promise<number> {
  const s = state();
  if (s.flushing) await s.flushing;
  if (s.counts.size === 0) return 0;
  const batch = s.counts;
  s.counts = new Map();
  const run = writeBatch(batch).catch((err: unknown) => {
    for (const [key, n] of batch) s.counts.set(key, (s.counts.get(key) ?? 0) + n);
    logger.warn('request counts could not be written; kept for the next flush', { error: err instanceof Error ? err.message : String(err) });
    return 0;
  });
  s.flushing = run;
  try {
    return await run;
  } finally {
    s.flushing = null;
  }
}

/** Starts the periodic flush (once per process), and a last flush when the server is asked to stop. */
export function startRequestCounter(): void {
  const s = state();
  if (s.timer) return;
  s.timer = setInterval(() => void flushRequestCounts(), getEnv().REQUEST_COUNT_FLUSH_SECONDS * 1_000);
  s.timer.unref();
  // Only next to a server's own handlers (next start installs them before instrumentation runs, and waits for open
  // requests before it exits): a listener of ours alone would replace Node's default exit on the signal.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    if (process.listenerCount(signal) > 0) process.once(signal, () => void flushRequestCounts());
  }
}
