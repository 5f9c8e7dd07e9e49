import { withTenant } from '@/lib/db/tenant';
import { getNotifier } from './notifier';
import { readEventsAfter, readStreamHead, type StoredEvent } from './outbox';

// One feed per tenant per process, shared by every open stream of that tenant: a notification (or a poll tick)
// costs one short read however many browsers are watching. Each stream keeps its own cursor and reads from the
// feed's in-memory window when it can, from the database when it is further behind (replay).

const BUFFER_MAX = 2_000;
export const READ_BATCH = 500;
const POLL_MS_LISTENING = 10_000;
// Documented polling interval where LISTEN is unavailable (Neon's serverless driver, a lost LISTEN connection).
export const POLL_MS = 1_000;

export class TenantFeed {
  private buffer: StoredEvent[] = [];
  private head: number | null = null;
  private reading: Promise<void> | null = null;
  private rerun = false;
  private readonly waiters = new Set<() => void>();
  // Bumped on every wake, so a reader that checked for events and then waits cannot miss a wake in between.
  generation = 0;
  private subscribers = 0;
  private unsubscribe: (() => void) | null = null;
  private pollTimer: NodeJS.Timeout | null = null;

  constructor(readonly tenantId: string) {}

  attach(): void {
    this.subscribers++;
    if (this.subscribers > 1) return;
    const notifier = getNotifier();
    void notifier.start();
    this.unsubscribe = notifier.subscribe(this.tenantId, () => void this.refresh().catch(() => undefined));
    void this.refresh().catch(() => undefined);
    this.schedulePoll();
  }

  // Returns true when the feed has no subscribers left and can be dropped.
  detach(): boolean {
    this.subscribers = Math.max(0, this.subscribers - 1);
    if (this.subscribers > 0) return false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.wakeAll();
    return true;
  }

  private schedulePoll(): void {
    const notifier = getNotifier();
    const ms = notifier.mode === 'listen' ? POLL_MS_LISTENING : POLL_MS;
    this.pollTimer = setTimeout(() => {
      if (this.subscribers === 0) return;
      void notifier.start();
      void this.refresh()
        .catch(() => undefined)
        .finally(() => {
          if (this.subscribers > 0) this.schedulePoll();
        });
    }, ms);
    this.pollTimer.unref?.();
  }

  // Coalesced: notifications arriving during a read cause exactly one more read.
  refresh(): Promise<void> {
    if (this.reading) {
      this.rerun = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        do {
          this.rerun = false;
          await this.readNew();
        } while (this.rerun);
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  private async readNew(): Promise<void> {
    const head = this.head;
    if (head === null) {
      this.head = await withTenant(this.tenantId, async (tx) => (await readStreamHead(tx)).lastSeq);
      // Readers behind the new head catch up from the database.
      this.wakeAll();
      return;
    }
    const events = await withTenant(this.tenantId, (tx) => readEventsAfter(tx, head, READ_BATCH));
    if (events.length === 0) return;
    for (const e of events) {
      // A tenant's seqs are gap-free (outbox.ts), so a gap means pruning overtook us: restart the window.
      if (this.head !== null && e.seq !== this.head + 1) this.buffer = [];
      this.buffer.push(e);
      this.head = e.seq;
    }
    if (this.buffer.length > BUFFER_MAX) this.buffer = this.buffer.slice(this.buffer.length - BUFFER_MAX);
    if (events.length === READ_BATCH) this.rerun = true;
    this.wakeAll();
  }

  // Events after `cursor`, oldest first, at most `limit`. Empty means the reader is as far as this feed
  // knows; wait with waitForNews().
  async eventsAfter(cursor: number, limit = READ_BATCH): Promise<StoredEvent[]> {
    if (this.head !== null && cursor >= this.head) return [];
    const first = this.buffer[0];
    if (first && cursor + 1 >= first.seq) {
      const start = cursor + 1 - first.seq;
      return this.buffer.slice(start, start + limit);
    }
    return withTenant(this.tenantId, (tx) => readEventsAfter(tx, cursor, limit));
  }

  waitForNews(seenGeneration: number, ms: number, signal: AbortSignal): Promise<void> {
    if (seenGeneration !== this.generation || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private wakeAll(): void {
    this.generation++;
    for (const w of [...this.waiters]) w();
  }
}

const holder = globalThis as typeof globalThis & { __reflexFeeds?: Map<string, TenantFeed> };

function feeds(): Map<string, TenantFeed> {
  holder.__reflexFeeds ??= new Map();
  return holder.__reflexFeeds;
}

export function acquireFeed(tenantId: string): TenantFeed {
  let feed = feeds().get(tenantId);
  if (!feed) {
    feed = new TenantFeed(tenantId);
    feeds().set(tenantId, feed);
  }
  feed.attach();
  return feed;
}

export function releaseFeed(feed: TenantFeed): void {
  if (feed.detach() && feeds().get(feed.tenantId) === feed) feeds().delete(feed.tenantId);
}
