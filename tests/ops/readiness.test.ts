import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import * as ready from '@/app/api/health/ready/route';
import { closeDb, getDbHandle, openDatabase, type DbHandle } from '@/lib/db/client';
import { envSchema, getEnv } from '@/lib/env';
import { runChecks } from '@/lib/health/checks';
import { listRecentIncidents } from '@/lib/health/incidents';
import { createDatabaseProbe, createKvProbe, createPipelinesProbe } from '@/lib/health/probes';
import { checkReadiness, resetReadinessTrackingForTests } from '@/lib/health/readiness';
import { startFakeServer, sendJson, type FakeServer } from '../fakes/http-server';
import { call } from '../helpers/http';

// Upstash REST speaks JSON command arrays; with `Upstash-Encoding: base64` string results come back base64.
async function startFakeUpstash(token: string): Promise<FakeServer> {
  return startFakeServer((req, res, recorded) => {
    if (req.headers.authorization !== `Bearer ${token}`) return sendJson(res, 401, { error: 'Unauthorized' });
    const command = Array.isArray(recorded.json) ? String(recorded.json[0]).toLowerCase() : '';
    if (command !== 'ping') return sendJson(res, 400, { error: `ERR unknown command '${command}'` });
    const encoded = req.headers['upstash-encoding'] === 'base64';
    sendJson(res, 200, { result: encoded ? Buffer.from('PONG').toString('base64') : 'PONG' });
  });
}

beforeEach(() => resetReadinessTrackingForTests());
afterAll(async () => {
  await closeDb().catch(() => undefined);
});

describe('database readiness check', () => {
  it('answers up on a live handle, down once it is closed, and up again on a reopened one', async () => {
    let handle: DbHandle = await openDatabase(getEnv());
    const probe = createDatabaseProbe({ backend: 'test', getHandle: async () => handle });

    const live = await runChecks([probe]);
    expect(live.status).toBe('ready');
    expect(live.checks[0]).toMatchObject({ name: 'database', required: true, status: 'up' });

    await handle.close();
    const closed = await runChecks([probe]);
    expect(closed.status).toBe('not_ready');
    expect(closed.checks[0]?.status).toBe('down');

    handle = await openDatabase(getEnv());
    const reopened = await runChecks([probe]);
    expect(reopened.status).toBe('ready');
    await handle.close();
  });

  it('reports a dependency that never answers as down within the check timeout', async () => {
    const hung = { ...createDatabaseProbe({ backend: 'test', getHandle: () => new Promise<DbHandle>(() => undefined), openBudgetMs: 20 }), name: 'hung' };
    const report = await runChecks([hung], { timeoutMs: 100 });
    expect(report.checks[0]).toMatchObject({ status: 'down', starting: true });
    const never = { name: 'never', label: 'Never', required: false, backend: 'x', run: () => new Promise<never>(() => undefined) };
    const second = await runChecks([never], { timeoutMs: 50 });
    expect(second.checks[0]).toMatchObject({ status: 'down', detail: 'no answer within 50 ms' });
    expect(second.status).toBe('degraded');
  });
});

describe('GET /api/health/ready', () => {
  it('is 200 with every check, flips to 503 when the database goes away, records the outage, and recovers', async () => {
    await getDbHandle();
    const first = await call(ready.GET, { path: '/api/health/ready' });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('ready');
    const names = first.body.checks.map((c: { name: string }) => c.name);
    expect(names).toEqual(expect.arrayContaining(['database', 'kv', 'pipelines', 'ai:offline']));
    for (const c of first.body.checks) expect(c.latencyMs).toBeGreaterThanOrEqual(0);

    // The process-wide handle, closed under the application's feet.
    await (await getDbHandle()).close();
    const down = await call(ready.GET, { path: '/api/health/ready' });
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('not_ready');
    const db = down.body.checks.find((c: { name: string }) => c.name === 'database');
    expect(db.status).toBe('down');
    // Public endpoint: a failure category, never the driver's message.
    expect(db.detail).not.toMatch(/postgres:\/\/|\/tmp|password/i);

    // Back: the next getDbHandle() opens a fresh one.
    await closeDb().catch(() => undefined);
    await getDbHandle();
    const back = await call(ready.GET, { path: '/api/health/ready' });
    expect(back.status).toBe(200);

    // Written once the database answered again, with the times it was seen going down and coming back.
    const incidents = await listRecentIncidents();
    const outage = incidents.find((i) => i.component === 'database');
    expect(outage).toMatchObject({ kind: 'dependency_down', status: 'resolved', title: 'Database unavailable' });
    expect(Date.parse(outage?.resolvedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(outage?.startedAt ?? ''));
  });
});

describe('KV readiness and incidents', () => {
  it('pings the configured KV; an outage opens one incident and recovery resolves it', async () => {
    const token = 'kv-test-token';
    let kv = await startFakeUpstash(token);
    const env = { ...getEnv(), KV_REST_API_URL: kv.url, KV_REST_API_TOKEN: token };
    const probes = () => [createKvProbe(env)];

    const up = await checkReadiness({ probes: probes() });
    expect(up.checks[0]).toMatchObject({ name: 'kv', status: 'up', backend: 'Upstash REST' });
    expect(kv.requests.at(-1)?.json).toEqual(['ping']);

    const port = new URL(kv.url).port;
    await kv.close();
    const down = await checkReadiness({ probes: probes() });
    expect(down.checks[0]).toMatchObject({ status: 'down', detail: 'connection refused' });
    // KV is optional: degraded, not unready.
    expect(down.status).toBe('degraded');
    // Seen down again: still one open incident.
    await checkReadiness({ probes: probes() });
    let open = (await listRecentIncidents()).filter((i) => i.component === 'kv' && i.kind === 'dependency_down' && i.status === 'open');
    expect(open).toHaveLength(1);
    expect(open[0]?.title).toBe('Cache and rate limits unavailable');

    kv = await startFakeUpstashOn(token, Number(port));
    const back = await checkReadiness({ probes: probes() });
    expect(back.checks[0]?.status).toBe('up');
    open = (await listRecentIncidents()).filter((i) => i.component === 'kv' && i.kind === 'dependency_down' && i.status === 'open');
    expect(open).toHaveLength(0);
    const resolved = (await listRecentIncidents()).filter((i) => i.component === 'kv' && i.kind === 'dependency_down' && i.status === 'resolved');
    expect(resolved).toHaveLength(1);
    await kv.close();
  });

  it('refuses wrong KV credentials as down', async () => {
    const kv = await startFakeUpstash('right-token');
    const env = { ...getEnv(), KV_REST_API_URL: kv.url, KV_REST_API_TOKEN: 'wrong-token' };
    const report = await runChecks([createKvProbe(env)]);
    expect(report.checks[0]?.status).toBe('down');
    await kv.close();
  });
});

describe('what readiness says in public', () => {
  it('names no environment variable, set or missing, whatever is misconfigured', async () => {
    const base = getEnv();
    const envs = [
      { ...base, VERCEL: true },
      { ...base, KV_REST_API_URL: 'https://kv.example.test', KV_REST_API_TOKEN: undefined },
      { ...base, INNGEST_EVENT_KEY: 'evt-key', INNGEST_SIGNING_KEY: undefined, INNGEST_DEV: undefined },
      { ...base, INNGEST_BASE_URL: 'https://inngest.example.test', INNGEST_EVENT_KEY: undefined, INNGEST_SIGNING_KEY: 'sign', INNGEST_DEV: undefined },
    ];
    const details: string[] = [];
    for (const env of envs) {
      const report = await runChecks([createKvProbe(env), createPipelinesProbe(env)]);
      for (const check of report.checks) details.push(check.detail);
      expect(report.checks.some((c) => c.status !== 'up'), JSON.stringify(report.checks)).toBe(true);
    }
    const envNames = Object.keys(envSchema.shape);
    for (const detail of details) {
      for (const name of envNames) expect(detail, detail).not.toContain(name);
      expect(detail).not.toMatch(/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/);
    }
    expect(details).toEqual(expect.arrayContaining([expect.stringContaining('npm run doctor')]));
  });
});

// The fake server listens on an ephemeral port; recovery must come back on the same one.
async function startFakeUpstashOn(token: string, port: number): Promise<FakeServer> {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.headers.authorization !== `Bearer ${token}`) return sendJson(res, 401, { error: 'Unauthorized' });
      sendJson(res, 200, { result: Buffer.from('PONG').toString('base64') });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    requests: [],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
