// Uptime per component from the readiness history: the periods in which readiness was watching a component
// (coverage, lib/health/coverage.ts) and the dependency_down incidents it opened and resolved. Time nobody was
// watching (the app was not running, the cron did not tick) is a gap: it counts neither as up nor as down, so a
// day with no observation reads "no data" rather than 100%.

export const UPTIME_DAYS = 90;
export const DAY_MS = 86_400_000;

export interface Span {
  start: number;
  end: number;
}

export interface DayUptime {
  // UTC calendar day, YYYY-MM-DD.
  date: string;
  observedMs: number;
  downMs: number;
  // null when nothing was observed that day.
  percent: number | null;
}

export interface UptimeSummary {
  percent: number | null;
  observedMs: number;
  downMs: number;
  days: DayUptime[];
}

// Sorted, non-overlapping spans covering the same time.
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

// Length of the merged spans inside [from, to).
function lengthWithin(merged: readonly Span[], from: number, to: number): number {
  let total = 0;
  for (const s of merged) {
    const start = Math.max(s.start, from);
    const end = Math.min(s.end, to);
    if (end > start) total += end - start;
  }
  return total;
}

function percentOf(observedMs: number, downMs: number): number | null {
  if (observedMs <= 0) return null;
  return ((observedMs - downMs) / observedMs) * 100;
}

export function startOfUtcDay(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

// `days` calendar days (UTC) ending with today, today counted up to `now`. An incident still open (end null) runs
// to `now`. Downtime is observed time too: an outage noticed by readiness was being watched, even when the
// coverage write could not happen because the database was the thing that was down.
export function computeUptime(input: {
  observed: readonly Span[];
  down: readonly { start: number; end: number | null }[];
  now: number;
  days?: number;
}): UptimeSummary {
  const days = input.days ?? UPTIME_DAYS;
  const firstDay = startOfUtcDay(input.now) - (days - 1) * DAY_MS;
  const down = mergeSpans(input.down.map((d) => ({ start: d.start, end: Math.min(d.end ?? input.now, input.now) })));
  const covered = mergeSpans([...input.observed, ...down]);
  const out: DayUptime[] = [];
  for (let i = 0; i < days; i++) {
    const from = firstDay + i * DAY_MS;
    const to = Math.min(from + DAY_MS, input.now);
    const observedMs = to > from ? lengthWithin(covered, from, to) : 0;
    const downMs = to > from ? lengthWithin(down, from, to) : 0;
    out.push({ date: new Date(from).toISOString().slice(0, 10), observedMs, downMs, percent: percentOf(observedMs, downMs) });
  }
  const observedMs = out.reduce((n, d) => n + d.observedMs, 0);
  const downMs = out.reduce((n, d) => n + d.downMs, 0);
  return { percent: percentOf(observedMs, downMs), observedMs, downMs, days: out };
}
