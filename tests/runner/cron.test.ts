import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { computeNextFire, parseCron } from '@/inngest/local/cron';
import { logger } from '@/lib/log';
import { drainLocalRunner, getRun, listRuns, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { cronFixtures } from '../fixtures/runner/cron-functions';
import { isolateRunnerDatabase } from './harness';

const next = (expression: string, after: string) => computeNextFire(parseCron(expression), new Date(after))?.toISOString() ?? null;

function fires(expression: string, after: string, count: number): string[] {
  const schedule = parseCron(expression);
  const out: string[] = [];
  let at = new Date(after);
  for (let i = 0; i < count; i++) {
    const fire = computeNextFire(schedule, at);
    if (!fire) break;
    out.push(fire.toISOString());
    at = fire;
  }
  return out;
}

describe('cron parser', () => {
  it('fires daily at 03:30 UTC, strictly after the given time, across the year boundary', () => {
    expect(next('TZ=UTC 30 3 * * *', '2026-11-22T03:30:00.000Z')).toBe('2026-11-23T03:30:00.000Z');
    expect(next('30 3 * * *', '2026-11-22T03:29:59.999Z')).toBe('2026-11-22T03:30:00.000Z');
    expect(next('30 3 * * *', '2026-12-31T04:00:00.000Z')).toBe('2027-01-01T03:30:00.000Z');
  });

  it('handles steps, lists and ranges across hour, month and year boundaries', () => {
    expect(fires('*/15 * * * *', '2026-12-31T23:31:10.000Z', 3)).toEqual([
      '2026-12-31T23:45:00.000Z',
      '2027-01-01T00:00:00.000Z',
      '2027-01-01T00:15:00.000Z',
    ]);
    expect(fires('0 0 1,15 * *', '2026-01-20T08:00:00.000Z', 3)).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-02-15T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
    expect(fires('5 10-20/5 * * *', '2026-03-31T19:00:00.000Z', 3)).toEqual([
      '2026-03-31T20:05:00.000Z',
      '2026-04-01T10:05:00.000Z',
      '2026-04-01T15:05:00.000Z',
    ]);
    expect(next('10/20 * * * *', '2026-05-05T05:51:00.000Z')).toBe('2026-05-05T06:10:00.000Z');
    expect(next('59 23 31 12 *', '2026-12-31T23:59:00.000Z')).toBe('2027-12-31T23:59:00.000Z');
  });

  it('matches weekdays (7 is Sunday) and, when both day fields are restricted, either of them', () => {
    // 2026-11-20 is a Friday.
    expect(fires('0 9-17/4 * * 1-5', '2026-11-20T18:00:00.000Z', 4)).toEqual([
      '2026-11-23T09:00:00.000Z',
      '2026-11-23T13:00:00.000Z',
      '2026-11-23T17:00:00.000Z',
      '2026-11-24T09:00:00.000Z',
    ]);
    expect(next('0 0 * * 7', '2026-11-20T00:00:00.000Z')).toBe('2026-11-22T00:00:00.000Z');
    expect(fires('0 0 10 * 5', '2026-11-01T00:00:00.000Z', 3)).toEqual([
      '2026-11-06T00:00:00.000Z',
      '2026-11-10T00:00:00.000Z',
      '2026-11-13T00:00:00.000Z',
    ]);
    expect(next('0 0 1 * */7', '2026-11-02T00:00:00.000Z')).toBe('2026-11-08T00:00:00.000Z');
  });

  it('finds leap days years ahead and returns null for dates that never come', () => {
    expect(next('0 0 29 2 *', '2026-03-01T00:00:00.000Z')).toBe('2028-02-29T00:00:00.000Z');
    expect(next('0 0 31 2 *', '2026-03-01T00:00:00.000Z')).toBeNull();
  });

  it('refuses malformed expressions and time zones other than UTC', () => {
    for (const bad of ['TZ=Europe/Paris 0 * * * *', '60 * * * *', '* * * *', '* * * * * *', '5-1 * * * *', '*/0 * * * *', 'a * * * *', '1-2-3 * * * *', '', '0 0 0 * *', '0 0 * 13 *']) {
      expect(() => parseCron(bad), bad).toThrow();
    }
    expect(() => parseCron('TZ=Etc/UTC 0 * * * *')).not.toThrow();
  });
});

describe('local runner: cron triggers', () => {
  let clock = Date.parse('2026-01-01T00:00:30.000Z');
  const start = async () => {
    const runner = await startLocalRunner({ functions: cronFixtures, now: () => clock });
    if (!runner) throw new Error('the runner tests need the local backend: unset INNGEST_EVENT_KEY and INNGEST_BASE_URL');
  };
  const minuteRuns = async () => {
    await drainLocalRunner();
    return listRuns({ functionId: 'fixture-cron-minute' });
  };
  let release: () => Promise<void>;
  const warn = vi.spyOn(logger, 'warn');

  beforeAll(async () => {
    release = await isolateRunnerDatabase();
    await start();
  });
  afterAll(async () => {
    await stopLocalRunner();
    await release();
  });

  it('refuses a schedule in another time zone with a warning', () => {
    expect(warn.mock.calls.map(([message]) => message)).toContainEqual(expect.stringContaining('only UTC is supported, not Europe/Paris'));
  });

  it('does not fire a slot that passed before the trigger was first seen', async () => {
    expect(await minuteRuns()).toHaveLength(0);
  });

  it('fires through the serve handler with the scheduled timer event when the clock reaches the slot', async () => {
    clock = Date.parse('2026-01-01T00:01:05.000Z');
    const runs = await minuteRuns();
    expect(runs).toHaveLength(1);
    const run = await getRun(runs[0]!.id);
    expect(run).toMatchObject({
      status: 'completed',
      output: { name: 'inngest/scheduled.timer', cron: 'TZ=UTC * * * * *' },
      event: { name: 'inngest/scheduled.timer', data: { cron: 'TZ=UTC * * * * *' } },
    });
    // Still the same minute: nothing more.
    clock = Date.parse('2026-01-01T00:01:59.999Z');
    expect(await minuteRuns()).toHaveLength(1);
  });

  it('does not fire the same slot again after a restart', async () => {
    await stopLocalRunner();
    clock = Date.parse('2026-01-01T00:01:40.000Z');
    await start();
    expect(await minuteRuns()).toHaveLength(1);
  });

  it('fires once, not once per missed slot, for the slots missed while the runner was down', async () => {
    await stopLocalRunner();
    clock = Date.parse('2026-01-01T00:07:10.000Z');
    await start();
    expect(await minuteRuns()).toHaveLength(2);
    expect(await minuteRuns()).toHaveLength(2);
    clock = Date.parse('2026-01-01T00:08:00.000Z');
    const runs = await minuteRuns();
    expect(runs).toHaveLength(3);
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    expect(await listRuns({ functionId: 'fixture-cron-paris' })).toHaveLength(0);
  });
});
