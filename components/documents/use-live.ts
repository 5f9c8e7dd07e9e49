'use client';

import { useEffect, useRef } from 'react';

export const POLL_MS = 2000;
// Realtime event types that mean "a document changed" (lib/realtime outbox, GET /api/v1/events).
const DOCUMENT_EVENTS = ['document.status_changed', 'document.status', 'document.created', 'document.deleted', 'document.processed'];

// Calls `refresh` every POLL_MS while `active`, and whenever the server announces a document change over
// /api/v1/events (when the browser can open it). Polling stays on while active so a lost event stream costs at
// most a couple of seconds.
export function useLiveRefresh(refresh: () => void, active: boolean): void {
  const latest = useRef(refresh);
  useEffect(() => {
    latest.current = refresh;
  }, [refresh]);

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => latest.current(), POLL_MS);
    return () => clearInterval(timer);
  }, [active]);

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/v1/events');
    const onEvent = () => latest.current();
    for (const type of DOCUMENT_EVENTS) source.addEventListener(type, onEvent);
    // A route that is missing or refuses answers with an error: stop retrying, polling covers it.
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) source.close();
    };
    return () => source.close();
  }, []);
}
