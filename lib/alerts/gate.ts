// Dedup and rate limit for outgoing alerts. Alerts are delivered by the pipeline, which on the embedded default runs
// in this process, so an in-process gate sees every alert. (With Inngest Cloud on serverless, each instance has its
// own gate: dedup is then per instance, backed up by the event ids that Inngest itself deduplicates for 24 h.)
export const DEDUP_WINDOW_MS = 30 * 60_000;
export const RATE_LIMIT = { max: 20, windowMs: 60 * 60_000 };

export type GateDecision = 'admitted' | 'duplicate' | 'rate_limited';

export interface AlertGate {
  // destination: the webhook owner ('platform' or a tenant id); key: what the alert is about.
  admit(destination: string, key: string, now: number): GateDecision;
}

export function createMemoryAlertGate(dedupWindowMs = DEDUP_WINDOW_MS, rate = RATE_LIMIT): AlertGate {
  const seen = new Map<string, number>();
  const windows = new Map<string, { start: number; count: number }>();
  return {
    admit(destination, key, now) {
      for (const [k, until] of seen) if (until <= now) seen.delete(k);
      const dedupKey = `${destination}\u0000${key}`;
      const until = seen.get(dedupKey);
      if (until !== undefined && until > now) return 'duplicate';
      const w = windows.get(destination);
      const current = w && now - w.start < rate.windowMs ? w : { start: now, count: 0 };
      if (current.count >= rate.max) return 'rate_limited';
      current.count += 1;
      windows.set(destination, current);
      seen.set(dedupKey, now + dedupWindowMs);
      return 'admitted';
    },
  };
}

const globalGate = globalThis as { __reflexAlertGate?: AlertGate };

// Kept on globalThis so that development reloads keep the same memory.
export function getAlertGate(): AlertGate {
  globalGate.__reflexAlertGate ??= createMemoryAlertGate();
  return globalGate.__reflexAlertGate;
}

export function resetAlertGateForTests(gate?: AlertGate): void {
  globalGate.__reflexAlertGate = gate ?? createMemoryAlertGate();
}
