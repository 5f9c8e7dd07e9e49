import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions } from '@/inngest';
import { checkReadinessOnSchedule } from '@/inngest/functions/system/check-readiness';
import { drainLocalRunner, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { resetEnvForTests } from '@/lib/env';
import { listRecentIncidents } from '@/lib/health/incidents';
import { resetReadinessTrackingForTests } from '@/lib/health/readiness';
import { sendJson, startFakeServer, type FakeServer } from '../fakes/http-server';
import { cronClock, isolateRunnerDatabase } from '../runner/harness';

// The scheduled readiness check, run by the real local runner from the app's own function list, against a KV that
// speaks the Upstash REST wire format and can be taken down. The runner reads cron slots from `now`, so each
// tick is a move of the clock, not a wait.

const TOKEN = 'readiness-schedule-kv-token';
const FUNCTION_ID = checkReadinessOnSchedule.opts.id;

let kvUp = true;
let kv: FakeServer;
const { now, tickAt, latestRun } = cronClock(FUNCTION_ID, '2026-01-01T00:00:30.000Z');
let release: () => Promise<void>;
const saved = { url: process.env.KV_REST_API_URL, token: process.env.KV_REST_API_TOKEN };

function restoreEnv(name: 'KV_REST_API_URL' | 'KV_REST_API_TOKEN', value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

beforeAll(async () => {
  release = await isolateRunnerDatabase();
  kv = await startFakeServer((req, res, recorded) => {
    if (!kvUp) return sendJson(res, 503, { error: 'Service Unavailable' });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return sendJson(res, 401, { error: 'Unauthorized' });
    const command = Array.isArray(recorded.json) ? String(recorded.json[0]).toLowerCase() : '';
    if (command !== 'ping') return sendJson(res, 400, { error: `ERR unknown command '${command}'` });
    const encoded = req.headers['upstash-encoding'] === 'base64';
    sendJson(res, 200, { result: encoded ? Buffer.from('PONG').toString('base64') : 'PONG' });
  });
  process.env.KV_REST_API_URL = kv.url;
  process.env.KV_REST_API_TOKEN = TOKEN;
  resetEnvForTests();
  resetReadinessTrackingForTests();
  const runner = await startLocalRunner({ functions, now });
  if (!runner) throw new Error('this test needs the local runner: unset INNGEST_EVENT_KEY and INNGEST_BASE_URL');
});

afterAll(async () => {
  await drainLocalRunner().catch(() => undefined);
  await stopLocalRunner();
  await kv.close();
  restoreEnv('KV_REST_API_URL', saved.url);
  restoreEnv('KV_REST_API_TOKEN', saved.token);
  resetEnvForTests();
  await release();
});

const kvIncidents = async () => (await listRecentIncidents()).filter((i) => i.component === 'kv' && i.kind === 'dependency_down');

describe('scheduled readiness check', () => {
  it('is served with the app functions and fires once every 5 minutes on the UTC clock', async () => {
    expect(await tickAt('2026-01-01T00:04:59.999Z')).toHaveLength(0);
    expect(await tickAt('2026-01-01T00:05:00.000Z')).toHaveLength(1);
    expect(await tickAt('2026-01-01T00:09:59.999Z')).toHaveLength(1);
    expect(await tickAt('2026-01-01T00:10:00.000Z')).toHaveLength(2);

    const run = await latestRun();
    expect(run).toMatchObject({ status: 'completed', event: { name: 'inngest/scheduled.timer' } });
    // The run keeps a summary of the report, not the probe details.
    expect(run.output).toEqual({ status: 'ready', down: [], degraded: [] });
    expect(run.steps.map((s) => s.status)).toEqual(['completed']);
    expect(await kvIncidents()).toHaveLength(0);
  });

  it('opens one incident when a tick finds KV down, keeps it while it stays down, and resolves it after recovery', async () => {
    kvUp = false;
    expect(await tickAt('2026-01-01T00:15:00.000Z')).toHaveLength(3);
    expect((await latestRun()).output).toEqual({ status: 'degraded', down: ['kv'], degraded: [] });
    const [opened, ...others] = await kvIncidents();
    expect(others).toHaveLength(0);
    expect(opened).toMatchObject({ status: 'open', title: 'Cache and rate limits unavailable', resolvedAt: null });

    expect(await tickAt('2026-01-01T00:20:00.000Z')).toHaveLength(4);
    expect(await kvIncidents()).toEqual([opened]);

    kvUp = true;
    expect(await tickAt('2026-01-01T00:25:00.000Z')).toHaveLength(5);
    expect((await latestRun()).output).toEqual({ status: 'ready', down: [], degraded: [] });
    expect(await kvIncidents()).toEqual([expect.objectContaining({ id: opened?.id, status: 'resolved', resolvedAt: expect.any(String) })]);
  });

  it('resolves an outage on a tick served by a fresh instance that never saw it begin', async () => {
    kvUp = false;
    await tickAt('2026-01-01T00:30:00.000Z');
    const open = (await kvIncidents()).filter((i) => i.status === 'open');
    expect(open).toHaveLength(1);

    // On Vercel consecutive ticks may land on different instances: nothing of the first one is remembered.
    resetReadinessTrackingForTests();
    kvUp = true;
    await tickAt('2026-01-01T00:35:00.000Z');
    const after = await kvIncidents();
    expect(after.filter((i) => i.status === 'open')).toHaveLength(0);
    expect(after.find((i) => i.id === open[0]?.id)?.status).toBe('resolved');
  });
});
