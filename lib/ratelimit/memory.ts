export interface LimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch milliseconds at which the current window ends. */
  reset: number;
  /** Set when the decision was taken without the backend (fail-open); the counts are then unknown. */
  degraded?: boolean;
}

export interface Limiter {
  readonly name: string;
  limit(identifier: string): Promise<LimitResult>;
}

interface Window {
  start: number;
  current: number;
  previous: number;
}

// The same sliding-window approximation as @upstash/ratelimit's slidingWindow: the previous window's count is
// weighted by how much of it still overlaps, so a burst at a window edge cannot double the limit.
export function createMemoryLimiter(name: string, limit: number, windowMs: number, now: () => number = Date.now): Limiter {
  const windows = new Map<string, Window>();
  let lastSweep = now();
  function sweep(t: number) {
    if (t - lastSweep < windowMs) return;
    lastSweep = t;
    for (const [k, w] of windows) if (t - w.start >= 2 * windowMs) windows.delete(k);
  }
  return {
    name,
    async limit(identifier: string): Promise<LimitResult> {
      const t = now();
      sweep(t);
      const start = Math.floor(t / windowMs) * windowMs;
      let w = windows.get(identifier);
      if (!w || w.start !== start) {
        const previous = w && w.start === start - windowMs ? w.current : 0;
        w = { start, current: 0, previous };
        windows.set(identifier, w);
      }
      const overlap = 1 - (t - start) / windowMs;
      const used = Math.floor(w.previous * overlap) + w.current;
      const reset = start + windowMs;
      if (used >= limit) return { allowed: false, limit, remaining: 0, reset };
      w.current += 1;
      return { allowed: true, limit, remaining: Math.max(0, limit - used - 1), reset };
    },
  };
}
