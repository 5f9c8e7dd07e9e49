import { and, eq, gte, isNull, lt, or } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/lib/db/client';
import { platformIncidents, platformSettings } from '@/lib/db/schema';
import type { Database } from '@/lib/db/types';
import { computeUptime, DAY_MS, startOfUtcDay, UPTIME_DAYS, type Span, type UptimeSummary } from './uptime';

// When readiness was watching each component: one row in platform_settings holding, per component, the spans of
// consecutive observations. Two observations further apart than GAP_MS leave a gap between them (nobody watched).
// The check-readiness cron ticks every 5 minutes, so up to two missed ticks still read as continuous.
const SETTING_KEY = 'uptime.coverage';
export const COVERAGE_GAP_MS = 15 * 60_000;
// Kept a little longer than the window shown, so the oldest day on the page is whole.
const KEEP_MS = (UPTIME_DAYS + 1) * DAY_MS;
// A flapping deployment cannot grow the row without bound: the oldest spans go first.
const MAX_SPANS = 2_000;
// One write per instance per minute is plenty for a 15-minute gap tolerance, and keeps /status cheap.
export const COVERAGE_WRITE_EVERY_MS = 60_000;

const storedSchema = z.object({ components: z.record(z.string(), z.array(z.tuple([z.number(), z.number()]))) });
type Stored = z.infer<typeof storedSchema>;

function extend(spans: [number, number][], at: number, cutoff: number): [number, number][] {
  const kept = spans.filter(([, end]) => end >= cutoff);
  const last = kept[kept.length - 1];
  // An instance whose clock is a little behind another's still joins the same span.
  if (last && at >= last[0] - COVERAGE_GAP_MS && at <= last[1] + COVERAGE_GAP_MS) {
    last[0] = Math.min(last[0], at);
    last[1] = Math.max(last[1], at);
  } else {
    kept.push([at, at]);
  }
  return kept.slice(-MAX_SPANS);
}

// Notes that readiness observed these components (up or down) at `at`. Platform path: its own connection, never
// from inside a withTenant transaction. The row is locked so that instances observing at once do not lose spans.
export async function recordObservation(components: readonly string[], at: number, db?: Database): Promise<void> {
  if (components.length === 0) return;
  const conn = db ?? (await getDb());
  await conn.transaction(async (tx) => {
    await tx.insert(platformSettings).values({ key: SETTING_KEY, value: { components: {} } }).onConflictDoNothing();
    const [row] = await tx.select().from(platformSettings).where(eq(platformSettings.key, SETTING_KEY)).for('update');
    const parsed = storedSchema.safeParse(row?.value);
    const stored: Stored = parsed.success ? parsed.data : { components: {} };
    const cutoff = at - KEEP_MS;
    for (const name of components) stored.components[name] = extend(stored.components[name] ?? [], at, cutoff);
    await tx.update(platformSettings).set({ value: stored, updatedAt: new Date() }).where(eq(platformSettings.key, SETTING_KEY));
  });
}

const holder = globalThis as typeof globalThis & { __reflexCoverageWrittenAt?: number };

// Throttled recordObservation for the readiness path; the caller handles errors.
export async function noteObservation(components: readonly string[], at: number): Promise<void> {
  const last = holder.__reflexCoverageWrittenAt;
  if (last !== undefined && at >= last && at - last < COVERAGE_WRITE_EVERY_MS) return;
  holder.__reflexCoverageWrittenAt = at;
  await recordObservation(components, at);
}

export function resetCoverageThrottleForTests(): void {
  holder.__reflexCoverageWrittenAt = undefined;
}

async function readCoverage(conn: Database): Promise<Stored> {
  const [row] = await conn.select().from(platformSettings).where(eq(platformSettings.key, SETTING_KEY)).limit(1);
  const parsed = storedSchema.safeParse(row?.value);
  return parsed.success ? parsed.data : { components: {} };
}

export interface DownSpan {
  component: string;
  start: number;
  end: number | null;
}

// Dependency outages overlapping the window, per component.
async function readOutages(conn: Database, from: number, now: number): Promise<DownSpan[]> {
  const rows = await conn
    .select({ component: platformIncidents.component, startedAt: platformIncidents.startedAt, resolvedAt: platformIncidents.resolvedAt })
    .from(platformIncidents)
    .where(
      and(
        eq(platformIncidents.kind, 'dependency_down'),
        lt(platformIncidents.startedAt, new Date(now)),
        or(isNull(platformIncidents.resolvedAt), gte(platformIncidents.resolvedAt, new Date(from))),
      ),
    );
  return rows.map((r) => ({ component: r.component, start: r.startedAt.getTime(), end: r.resolvedAt ? r.resolvedAt.getTime() : null }));
}

// Uptime over the last UPTIME_DAYS for each named component. `unwritten` are outages noticed while the database
// was down and not stored yet.
export async function readComponentUptime(
  components: readonly string[],
  opts: { now?: number; unwritten?: readonly DownSpan[]; db?: Database } = {},
): Promise<Map<string, UptimeSummary>> {
  const now = opts.now ?? Date.now();
  const conn = opts.db ?? (await getDb());
  const from = startOfUtcDay(now) - (UPTIME_DAYS - 1) * DAY_MS;
  const [coverage, outages] = await Promise.all([readCoverage(conn), readOutages(conn, from, now)]);
  const all = [...outages, ...(opts.unwritten ?? [])];
  const out = new Map<string, UptimeSummary>();
  for (const name of components) {
    const observed: Span[] = (coverage.components[name] ?? []).map(([start, end]) => ({ start, end }));
    const down = all.filter((o) => o.component === name);
    out.set(name, computeUptime({ observed, down, now }));
  }
  return out;
}
