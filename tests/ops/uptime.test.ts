import { eq } from 'drizzle-orm';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it } from 'vitest';
import * as statusRoute from '@/app/api/status/route';
import { UptimeBar } from '@/app/status/uptime-bar';
import { getDbHandle } from '@/lib/db/client';
import { platformSettings } from '@/lib/db/schema';
import { COVERAGE_GAP_MS, readComponentUptime, recordObservation } from '@/lib/health/coverage';
import { recordPastIncident } from '@/lib/health/incidents';
import { resetReadinessTrackingForTests } from '@/lib/health/readiness';
import { resetStatusCacheForTests, statusSnapshotSchema } from '@/lib/health/status';
import { computeUptime, DAY_MS, UPTIME_DAYS } from '@/lib/health/uptime';
import { formatDuration, formatUptime } from '@/lib/ui/format';
import { ownerDb } from '../helpers/db';
import { call } from '../helpers/http';

const H = 3_600_000;
const MIN = 60_000;
// A fixed clock: 2026-03-10 06:00 UTC, a quarter of the way into "today".
const NOW = Date.parse('2026-03-10T06:00:00.000Z');
const TODAY = Date.parse('2026-03-10T00:00:00.000Z');

function day(summary: ReturnType<typeof computeUptime>, date: string) {
  const found = summary.days.find((d) => d.date === date);
  if (!found) throw new Error(`no day ${date}`);
  return found;
}

describe('computeUptime', () => {
  it('shows 90 UTC days ending today, and no data where nothing was observed', () => {
    const u = computeUptime({ observed: [], down: [], now: NOW });
    expect(u.days).toHaveLength(UPTIME_DAYS);
    expect(u.days.at(-1)?.date).toBe('2026-03-10');
    expect(u.days[0]?.date).toBe(new Date(TODAY - 89 * DAY_MS).toISOString().slice(0, 10));
    expect(u.percent).toBeNull();
    expect(u.days.every((d) => d.percent === null)).toBe(true);
  });

  it('leaves gaps out of the denominator instead of counting them as up or down', () => {
    const u = computeUptime({
      observed: [
        { start: TODAY - 3 * DAY_MS, end: TODAY - 3 * DAY_MS + 12 * H },
        { start: TODAY - DAY_MS, end: NOW },
      ],
      down: [],
      now: NOW,
    });
    expect(day(u, '2026-03-07')).toMatchObject({ percent: 100, observedMs: 12 * H, downMs: 0 });
    expect(day(u, '2026-03-08').percent).toBeNull();
    expect(day(u, '2026-03-09')).toMatchObject({ percent: 100, observedMs: 24 * H });
    expect(u.percent).toBe(100);
    expect(u.observedMs).toBe(12 * H + 24 * H + 6 * H);
  });

  it('counts downtime against the observed part of a partial day', () => {
    const u = computeUptime({
      observed: [{ start: TODAY - DAY_MS, end: NOW }],
      down: [{ start: TODAY + H, end: TODAY + H + 30 * MIN }],
      now: NOW,
    });
    // Today is 6 hours old: 30 minutes down of 6 observed hours.
    expect(day(u, '2026-03-10')).toMatchObject({ observedMs: 6 * H, downMs: 30 * MIN });
    expect(day(u, '2026-03-10').percent).toBeCloseTo((5.5 / 6) * 100, 10);
    expect(u.percent).toBeCloseTo((1 - 0.5 / 30) * 100, 10);
  });

  it('splits an outage across midnight, merges overlapping incidents, and runs an open one up to now', () => {
    const u = computeUptime({
      observed: [{ start: TODAY - 2 * DAY_MS, end: NOW }],
      down: [
        { start: TODAY - 1 * H, end: TODAY + 1 * H },
        // Another instance recorded the same outage, overlapping.
        { start: TODAY - 30 * MIN, end: TODAY + 30 * MIN },
        { start: NOW - 15 * MIN, end: null },
      ],
      now: NOW,
    });
    expect(day(u, '2026-03-09').downMs).toBe(1 * H);
    expect(day(u, '2026-03-10').downMs).toBe(1 * H + 15 * MIN);
    expect(u.downMs).toBe(2 * H + 15 * MIN);
  });

  it('counts an outage as observed even when the coverage could not be written during it', () => {
    // The database itself was down: readiness opened the incident afterwards, no coverage exists for that hour.
    const u = computeUptime({
      observed: [{ start: TODAY - DAY_MS, end: TODAY - DAY_MS + 2 * H }],
      down: [{ start: TODAY - DAY_MS + 2 * H, end: TODAY - DAY_MS + 3 * H }],
      now: NOW,
    });
    expect(day(u, '2026-03-09')).toMatchObject({ observedMs: 3 * H, downMs: 1 * H });
    expect(day(u, '2026-03-09').percent).toBeCloseTo((2 / 3) * 100, 10);
  });
});

describe('formatting', () => {
  it('never rounds downtime up to 100%, and reads durations in human units', () => {
    expect(formatUptime(100)).toBe('100%');
    expect(formatUptime(99.9999)).toBe('99.99%');
    expect(formatUptime(91.6666)).toBe('91.66%');
    expect(formatUptime(null)).toBe('No data');
    expect(formatDuration(20_000)).toBe('under a minute');
    expect(formatDuration(30 * MIN)).toBe('30 min');
    expect(formatDuration(3 * H + 12 * MIN)).toBe('3 h 12 min');
    expect(formatDuration(2 * H)).toBe('2 h');
    expect(formatDuration(52 * H)).toBe('2 days 4 h');
    expect(formatDuration(24 * H)).toBe('1 day');
  });
});

describe('readiness coverage', () => {
  beforeEach(async () => {
    await getDbHandle();
    const db = await ownerDb();
    await db.delete(platformSettings).where(eq(platformSettings.key, 'uptime.coverage'));
  });

  it('joins observations closer than the gap tolerance and opens a new span after a gap', async () => {
    const t0 = NOW - 2 * DAY_MS;
    await recordObservation(['coverage-a'], t0);
    await recordObservation(['coverage-a'], t0 + 5 * MIN);
    await recordObservation(['coverage-a'], t0 + 5 * MIN + COVERAGE_GAP_MS);
    // Longer than the tolerance: a gap.
    await recordObservation(['coverage-a'], t0 + 5 * H);
    await recordObservation(['coverage-a'], t0 + 5 * H + 10 * MIN);
    const uptime = await readComponentUptime(['coverage-a', 'never-seen'], { now: NOW });
    expect(uptime.get('coverage-a')?.observedMs).toBe(5 * MIN + COVERAGE_GAP_MS + 10 * MIN);
    expect(uptime.get('never-seen')?.percent).toBeNull();
  });

  it('forgets spans older than the window', async () => {
    await recordObservation(['coverage-b'], NOW - 100 * DAY_MS);
    await recordObservation(['coverage-b'], NOW - 100 * DAY_MS + 10 * MIN);
    await recordObservation(['coverage-b'], NOW);
    const db = await ownerDb();
    const [row] = await db.select().from(platformSettings).where(eq(platformSettings.key, 'uptime.coverage'));
    expect(row?.value).toEqual({ components: { 'coverage-b': [[NOW, NOW]] } });
  });
});

describe('uptime on /api/status and /status', () => {
  beforeEach(async () => {
    await getDbHandle();
    resetReadinessTrackingForTests();
    resetStatusCacheForTests();
  });

  it('reports the database uptime from coverage and its outage, and renders it per day', async () => {
    const now = Date.now();
    const since = now - 3 * DAY_MS;
    const db = await ownerDb();
    // Readiness has watched the database for three days, up to a minute ago.
    await db
      .insert(platformSettings)
      .values({ key: 'uptime.coverage', value: { components: { database: [[since, now - MIN]] } } })
      .onConflictDoUpdate({ target: platformSettings.key, set: { value: { components: { database: [[since, now - MIN]] } } } });
    // 02:00 UTC on the day after coverage starts: the half hour never crosses midnight, whatever time the test runs.
    const outageStart = Math.floor((since + DAY_MS) / DAY_MS) * DAY_MS + 2 * H;
    await recordPastIncident({
      component: 'database',
      kind: 'dependency_down',
      title: 'Database unavailable',
      detail: 'connection refused',
      startedAt: new Date(outageStart),
      resolvedAt: new Date(outageStart + 30 * MIN),
    });

    const res = await call(statusRoute.GET, { path: '/api/status' });
    expect(res.status).toBe(200);
    const snapshot = statusSnapshotSchema.parse(res.body);
    expect(snapshot.uptimeDays).toBe(90);
    const database = snapshot.components.find((c) => c.name === 'database');
    const uptime = database?.uptime;
    if (!uptime) throw new Error('no database uptime');
    expect(uptime.days).toHaveLength(90);
    // On a server database other test files running now may open and resolve a database incident of their own
    // (a few milliseconds, today); the outage recorded here is the 30 minutes.
    expect(uptime.downtimeMs).toBeGreaterThanOrEqual(30 * MIN);
    expect(uptime.downtimeMs).toBeLessThan(31 * MIN);
    expect(uptime.percent).toBeCloseTo((1 - (30 * MIN) / (3 * DAY_MS)) * 100, 2);
    const outageDay = new Date(outageStart).toISOString().slice(0, 10);
    expect(uptime.days.find((d) => d.date === outageDay)?.downtimeMs).toBe(30 * MIN);
    // Before readiness started watching: no data, not 100%.
    expect(uptime.days.slice(0, 80).every((d) => d.percent === null)).toBe(true);
    // A component that is not configured has no uptime bar.
    for (const c of snapshot.components.filter((x) => x.status === 'disabled')) expect(c.uptime).toBeNull();

    const html = renderToStaticMarkup(createElement(UptimeBar, { uptime, days: snapshot.uptimeDays, label: 'Database' }));
    expect(html.match(/<li /g)).toHaveLength(90);
    expect(html).toContain(`${formatUptime(uptime.percent)} uptime · 30 min down`);
    expect(html).toMatch(/title="[A-Z][a-z]{2} \d{1,2}, \d{4}: no data"/);
    expect(html).toMatch(/title="[A-Z][a-z]{2} \d{1,2}, \d{4}: \d+\.\d{2}% uptime, 30 min down"/);
  });
});
