// When the runner's one timer fires after a pump (real-clock ms), or null when nothing needs it.
export interface WakeInputs {
  realNow: number;
  // Earliest ready time among runs the runner could start (not driven now, concurrency key not full).
  nextRunAt: number | null;
  // With every run slot taken, the run that finishes next kicks the runner; no timer is needed for due runs.
  slotFree: boolean;
  // Real-clock times of the cron triggers' next slots.
  cronAt: readonly number[];
  // Re-arm at least this often (a long wait must not drift from the clock); null without cron triggers.
  capMs: number | null;
}

export function computeWakeAt({ realNow, nextRunAt, slotFree, cronAt, capMs }: WakeInputs): number | null {
  const wakes = cronAt.filter((t) => t > realNow);
  if (capMs !== null) wakes.push(realNow + capMs);
  if (nextRunAt !== null) {
    // A run that fell due while the pump was querying (a short retry backoff on a slow database) missed its
    // launch, and nothing else would kick the runner for it: wake at once.
    if (nextRunAt > realNow) wakes.push(nextRunAt);
    else if (slotFree) wakes.push(realNow);
  }
  return wakes.length > 0 ? Math.min(...wakes) : null;
}
