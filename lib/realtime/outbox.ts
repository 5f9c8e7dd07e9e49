import { asc, gt, lte, lt, or, sql } from 'drizzle-orm';
import type { Permission } from '@/lib/auth/permissions';
import { realtimeEvents, realtimeSequences } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import type { Tx } from '@/lib/db/types';

// Postgres channel that announces "tenant X has new events". NOTIFY is delivered only when (and if) the
// publishing transaction commits, which is exactly when readers may look.
export const NOTIFY_CHANNEL = 'reflex_events';

// Retention (lib/realtime/README.md): a tenant keeps at most the last RETAIN_EVENTS events, none older than
// RETAIN_DAYS; pruning piggybacks on every PRUNE_EVERY-th publish of that tenant.
export const RETAIN_EVENTS = 10_000;
export const RETAIN_DAYS = 7;
const PRUNE_EVERY = 256;

const TYPE_RE = /^[a-z][a-z0-9_.-]{0,63}$/;
const MAX_PAYLOAD_BYTES = 64 * 1024;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface PublishInput {
  // e.g. 'task.created', 'document.status'; becomes the SSE `event:` field.
  type: string;
  payload: JsonValue;
  // Readers without it never receive the event; null means every member of the tenant.
  permission: Permission | null;
}

export interface StoredEvent {
  seq: number;
  type: string;
  payload: unknown;
  permission: string | null;
  createdAt: Date;
}

// Appends an event to the current tenant's outbox inside the caller's transaction: it exists if and only if
// the change it describes commits. Call it after the change's own writes (it takes the tenant's sequence lock,
// which is held until commit, so taking it last keeps lock order the same everywhere).
export async function publishEvent(tx: Tx, input: PublishInput): Promise<{ seq: number }> {
  if (!TYPE_RE.test(input.type)) throw new Error(`publishEvent: invalid event type "${input.type}"`);
  const payload = JSON.stringify(input.payload);
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new Error(`publishEvent: payload of ${input.type} is over 64 KiB`);
  const [row] = await queryRows<{ seq: string | number }>(
    tx,
    sql`with s as (
          insert into realtime_sequences as r (tenant_id, last_seq)
          values ((select current_setting('app.tenant_id', true))::uuid, 1)
          on conflict (tenant_id) do update set last_seq = r.last_seq + 1
          returning tenant_id, last_seq
        ), e as (
          insert into realtime_events (tenant_id, seq, type, payload, permission)
          select tenant_id, last_seq, ${input.type}, ${payload}::jsonb, ${input.permission} from s
          returning tenant_id, seq
        )
        select e.seq, pg_notify(${NOTIFY_CHANNEL}, e.tenant_id::text) from e`,
  );
  if (!row) throw new Error('publishEvent: no tenant is set on this transaction');
  const seq = Number(row.seq);
  if (seq % PRUNE_EVERY === 0) await pruneRealtimeEvents(tx, { upToSeq: seq });
  return { seq };
}

// The cleanup: drops the current tenant's events beyond the retention window. `upToSeq` is the newest seq
// (read from the sequence row when omitted).
export async function pruneRealtimeEvents(tx: Tx, opts: { upToSeq?: number; now?: Date } = {}): Promise<number> {
  const head = opts.upToSeq ?? (await readStreamHead(tx)).lastSeq;
  const cutoff = new Date((opts.now ?? new Date()).getTime() - RETAIN_DAYS * 86_400_000);
  const deleted = await tx
    .delete(realtimeEvents)
    .where(or(lte(realtimeEvents.seq, head - RETAIN_EVENTS), lt(realtimeEvents.createdAt, cutoff)))
    .returning({ seq: realtimeEvents.seq });
  return deleted.length;
}

export interface StreamHead {
  // Highest seq ever published for the tenant (0 if none).
  lastSeq: number;
  // Oldest seq still retained (null if the outbox is empty).
  minSeq: number | null;
}

export async function readStreamHead(tx: Tx): Promise<StreamHead> {
  const [seqRow] = await tx.select({ lastSeq: realtimeSequences.lastSeq }).from(realtimeSequences).limit(1);
  const [minRow] = await tx.select({ minSeq: sql<number | null>`min(${realtimeEvents.seq})`.mapWith(Number) }).from(realtimeEvents);
  return { lastSeq: seqRow?.lastSeq ?? 0, minSeq: minRow?.minSeq ?? null };
}

// The id a client should resume from to see every change after data it reads next in this transaction
// (read it first: later reads can only be newer). Sent as the X-Last-Event-Id header of board reads.
export async function currentEventId(tx: Tx): Promise<number> {
  const [row] = await tx.select({ lastSeq: realtimeSequences.lastSeq }).from(realtimeSequences).limit(1);
  return row?.lastSeq ?? 0;
}

// Events of the current tenant (RLS) after `afterSeq`, oldest first.
export async function readEventsAfter(tx: Tx, afterSeq: number, limit: number): Promise<StoredEvent[]> {
  return tx
    .select({
      seq: realtimeEvents.seq,
      type: realtimeEvents.type,
      payload: realtimeEvents.payload,
      permission: realtimeEvents.permission,
      createdAt: realtimeEvents.createdAt,
    })
    .from(realtimeEvents)
    .where(gt(realtimeEvents.seq, afterSeq))
    .orderBy(asc(realtimeEvents.seq))
    .limit(limit);
}

export function canReceive(event: { permission: string | null }, permissions: ReadonlySet<string>): boolean {
  return event.permission === null || permissions.has(event.permission);
}
