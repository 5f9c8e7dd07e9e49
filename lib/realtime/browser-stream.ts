'use client';

import { useEffect, useRef, useSyncExternalStore } from 'react';

// The browser side of GET /api/v1/events: one EventSource per tab, shared by every component that listens.
// EventSource resumes by itself (sending Last-Event-ID) after a dropped stream; when it gives up (a non-200
// answer) or the browser goes offline, this reopens it with ?lastEventId= and a capped backoff.

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';
type Listener = (data: unknown, id: string) => void;

const MAX_BACKOFF_MS = 15_000;

class BrowserStream {
  private source: EventSource | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly stateListeners = new Set<() => void>();
  private lastEventId: string | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private users = 0;
  state: ConnectionState = 'connecting';

  private setState(next: ConnectionState): void {
    if (this.state === next) return;
    this.state = next;
    for (const l of this.stateListeners) l();
  }

  subscribeState = (fn: () => void): (() => void) => {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  };

  // `resumeFrom` (from a board read's X-Last-Event-Id) is used only if nothing newer is known.
  acquire(resumeFrom?: string | null): void {
    this.users++;
    if (resumeFrom && this.lastEventId === null) this.lastEventId = resumeFrom;
    if (this.users === 1) {
      window.addEventListener('online', this.onOnline);
      window.addEventListener('offline', this.onOffline);
      if (navigator.onLine) this.open();
      else this.setState('offline');
    }
  }

  release(): void {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0) return;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.closeSource();
    this.lastEventId = null;
    this.setState('connecting');
  }

  on(type: string, fn: Listener): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
      this.source?.addEventListener(type, this.dispatch);
    }
    set.add(fn);
    return () => set.delete(fn);
  }

  private readonly dispatch = (e: Event): void => {
    if (!(e instanceof MessageEvent)) return;
    if (e.lastEventId) this.lastEventId = e.lastEventId;
    if (e.type === 'ready') {
      this.attempts = 0;
      this.setState('live');
    }
    let data: unknown = null;
    try {
      data = typeof e.data === 'string' && e.data ? JSON.parse(e.data) : null;
    } catch {
      data = null;
    }
    for (const fn of this.listeners.get(e.type) ?? []) fn(data, e.lastEventId);
  };

  private open(): void {
    this.closeSource();
    const url = this.lastEventId ? `/api/v1/events?lastEventId=${encodeURIComponent(this.lastEventId)}` : '/api/v1/events';
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    for (const type of new Set(['ready', ...this.listeners.keys()])) source.addEventListener(type, this.dispatch);
    source.onerror = () => {
      if (this.source !== source) return;
      this.setState(navigator.onLine ? 'reconnecting' : 'offline');
      // CONNECTING: the browser retries by itself with Last-Event-ID. CLOSED: it gave up; we retry.
      if (source.readyState === EventSource.CLOSED) this.scheduleReopen();
    };
  }

  private scheduleReopen(): void {
    this.closeSource();
    const delay = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** this.attempts);
    this.attempts++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.users > 0 && navigator.onLine) this.open();
    }, delay);
  }

  private closeSource(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.source?.close();
    this.source = null;
  }

  private readonly onOffline = (): void => {
    this.closeSource();
    this.setState('offline');
  };

  private readonly onOnline = (): void => {
    this.attempts = 0;
    this.setState('reconnecting');
    this.open();
  };
}

let shared: BrowserStream | null = null;

function stream(): BrowserStream {
  shared ??= new BrowserStream();
  return shared;
}

// Keeps the tab's stream open while mounted and calls `handlers[type]` for each event of that type. Handlers
// may change between renders without reconnecting. `resumeFrom` is an X-Last-Event-Id from a prior read;
// null while that read is still pending (the stream waits for it, so nothing between the two is lost).
export function useEventStream(handlers: Record<string, Listener>, resumeFrom: string | null | undefined): ConnectionState {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  const types = Object.keys(handlers).sort().join(',');
  const ready = resumeFrom !== null;

  useEffect(() => {
    if (!ready) return;
    const s = stream();
    const offs = types
      .split(',')
      .filter(Boolean)
      .map((type) => s.on(type, (data, id) => latest.current[type]?.(data, id)));
    s.acquire(resumeFrom);
    return () => {
      for (const off of offs) off();
      s.release();
    };
    // resumeFrom only matters for the first connection; changing it later must not reconnect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [types, ready]);

  return useSyncExternalStore(
    stream().subscribeState,
    () => stream().state,
    () => 'connecting',
  );
}
