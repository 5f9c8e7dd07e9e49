import { withTenant } from '@/lib/db/tenant';
import { getEnv } from '@/lib/env';
import { logger } from '@/lib/log';
import { acquireFeed, releaseFeed } from './feed';
import { canReceive, readStreamHead, type StoredEvent } from './outbox';

// The Server-Sent Events stream behind GET /api/v1/events (protocol in lib/realtime/README.md). It never holds
// a transaction open: every replay batch and every feed read is its own short tenant transaction, because the
// embedded database has a single connection.

export const HEARTBEAT_MS = 15_000;
export const REAUTHORIZE_MS = 60_000;
// Vercel stops a function at its duration limit (300 s on the routes' maxDuration); ending first lets the
// browser resume cleanly with Last-Event-ID instead of seeing a broken stream.
export const VERCEL_STREAM_MS = 280_000;
const RETRY_MS = 2_000;
// A reader this far behind is not reading; close and let it resume from its Last-Event-ID.
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;

export interface EventStreamOptions {
  tenantId: string;
  permissions: ReadonlySet<string>;
  // From the Last-Event-ID header or ?lastEventId=; null for a fresh connection (live events only).
  lastEventId: string | null;
  signal?: AbortSignal;
  // Re-checks the caller's session/key and role; null ends the stream (the reconnect then gets 401/403/404).
  reauthorize?: () => Promise<ReadonlySet<string> | null>;
  heartbeatMs?: number;
  reauthorizeMs?: number;
  maxDurationMs?: number | null;
}

type Requested = { kind: 'fresh' } | { kind: 'resume'; seq: number } | { kind: 'invalid' };

function parseLastEventId(value: string | null): Requested {
  if (value === null || value.trim() === '') return { kind: 'fresh' };
  return /^\d{1,15}$/.test(value.trim()) ? { kind: 'resume', seq: Number(value.trim()) } : { kind: 'invalid' };
}

function eventFrame(e: StoredEvent): string {
  return `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e.payload)}\n\n`;
}

function controlFrame(id: number, type: 'ready' | 'reset', data: Record<string, unknown>): string {
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function createEventStream(opts: EventStreamOptions): ReadableStream<Uint8Array> {
  const stop = new AbortController();
  if (opts.signal?.aborted) stop.abort();
  opts.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const encoder = new TextEncoder();
  const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;
  const reauthorizeMs = opts.reauthorizeMs ?? REAUTHORIZE_MS;
  const maxDurationMs = opts.maxDurationMs === undefined ? (getEnv().VERCEL ? VERCEL_STREAM_MS : null) : opts.maxDurationMs;

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const write = (text: string) => {
          if (stop.signal.aborted) return;
          controller.enqueue(encoder.encode(text));
          if ((controller.desiredSize ?? 0) < -MAX_BACKLOG_BYTES) {
            logger.warn('realtime: closing a stream whose reader fell behind', { tenantId: opts.tenantId });
            stop.abort();
          }
        };
        void pump(opts, write, stop.signal, { heartbeatMs, reauthorizeMs, maxDurationMs })
          .catch((err: unknown) => {
            logger.warn('realtime: stream ended by an error; the client will resume', {
              tenantId: opts.tenantId,
              error: err instanceof Error ? err.message : String(err),
            });
          })
          .finally(() => {
            try {
              controller.close();
            } catch {
              // Already closed or cancelled by the client.
            }
          });
      },
      cancel() {
        stop.abort();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}

async function pump(
  opts: EventStreamOptions,
  write: (text: string) => void,
  signal: AbortSignal,
  timing: { heartbeatMs: number; reauthorizeMs: number; maxDurationMs: number | null },
): Promise<void> {
  write(`retry: ${RETRY_MS}\n: connected\n\n`);
  const feed = acquireFeed(opts.tenantId);
  try {
    const head = await withTenant(opts.tenantId, readStreamHead);
    const requested = parseLastEventId(opts.lastEventId);
    let cursor = head.lastSeq;
    if (requested.kind === 'resume') {
      const seq = requested.seq;
      const pruned = seq < head.lastSeq && (head.minSeq === null || head.minSeq > seq + 1);
      if (seq > head.lastSeq || pruned) {
        write(controlFrame(head.lastSeq, 'reset', { reason: pruned ? 'expired' : 'unknown', lastEventId: head.lastSeq }));
      } else {
        cursor = seq;
      }
    } else if (requested.kind === 'invalid') {
      write(controlFrame(head.lastSeq, 'reset', { reason: 'unknown', lastEventId: head.lastSeq }));
    }

    let permissions = opts.permissions;
    let lastIdSent = cursor;
    let replayed = 0;
    let ready = false;
    const started = Date.now();
    let nextHeartbeat = started + timing.heartbeatMs;
    let nextReauthorize = started + timing.reauthorizeMs;
    const deadline = timing.maxDurationMs === null ? Infinity : started + timing.maxDurationMs;

    while (!signal.aborted) {
      const generation = feed.generation;
      const batch = await feed.eventsAfter(cursor);
      if (batch.length > 0) {
        const first = batch[0];
        if (first && first.seq > cursor + 1) {
          // Retention overtook this reader mid-replay: what it holds is incomplete.
          write(controlFrame(first.seq - 1, 'reset', { reason: 'expired', lastEventId: first.seq - 1 }));
          lastIdSent = first.seq - 1;
        }
        for (const e of batch) {
          if (canReceive(e, permissions)) {
            write(eventFrame(e));
            lastIdSent = e.seq;
            if (!ready) replayed++;
          }
          cursor = e.seq;
        }
        // Events this reader may not see still move its Last-Event-ID, so a resume does not rescan them.
        if (lastIdSent !== cursor) {
          write(`id: ${cursor}\n\n`);
          lastIdSent = cursor;
        }
        continue;
      }
      if (!ready) {
        ready = true;
        write(controlFrame(cursor, 'ready', { lastEventId: cursor, replayed }));
        lastIdSent = cursor;
      }
      const now = Date.now();
      if (now >= deadline) return;
      if (now >= nextHeartbeat) {
        write(': keepalive\n\n');
        nextHeartbeat = now + timing.heartbeatMs;
      }
      if (opts.reauthorize && now >= nextReauthorize) {
        const fresh = await opts.reauthorize();
        if (!fresh) return;
        permissions = fresh;
        nextReauthorize = Date.now() + timing.reauthorizeMs;
      }
      const wake = Math.min(nextHeartbeat, opts.reauthorize ? nextReauthorize : Infinity, deadline);
      await feed.waitForNews(generation, Math.max(1, wake - Date.now()), signal);
    }
  } finally {
    releaseFeed(feed);
  }
}

export function eventStreamResponse(opts: EventStreamOptions): Response {
  return new Response(createEventStream(opts), {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform keeps compression middleware from buffering the stream.
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    },
  });
}
