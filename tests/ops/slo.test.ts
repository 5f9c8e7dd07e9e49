import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSlackAlert } from '@/inngest/functions/alerts/send-slack-alert';
import { sendWebhookAlert } from '@/inngest/functions/alerts/send-webhook-alert';
import { evaluateSlosOnSchedule } from '@/inngest/functions/system/evaluate-slos';
import { drainLocalRunner, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { resetAlertGateForTests } from '@/lib/alerts/gate';
import { pagerDutyEvent } from '@/lib/alerts/webhook';
import { getDb } from '@/lib/db/client';
import { queryRows } from '@/lib/db/sql';
import { parseEnv, resetEnvForTests } from '@/lib/env';
import { observeHttpRequest } from '@/lib/metrics';
import { evaluateSlos, resetSloBaselineForTests } from '@/lib/slo/evaluate';
import { judgeTraffic } from '@/lib/slo/rules';
import { diffSnapshots, p95Ms, routeGroup, type MetricSnapshot } from '@/lib/slo/window';
import { createVercelBlobStore } from '@/lib/storage/blob-store';
import { measureBlobBytes, VERCEL_BLOB_MEASURE_EVERY_MS } from '@/lib/storage/usage';
import { startFakeSlack, type FakeSlack } from '../alerts/fake-slack';
import { FAKE_BLOB_TOKEN, startFakeBlobApi } from '../fakes/vercel-blob-fake';
import { sendJson, startFakeServer, type FakeServer } from '../fakes/http-server';
import { cronClock, isolateRunnerDatabase } from '../runner/harness';

const ROUTING_KEY = 'R0UT1NGKEY0000000000000000000000';
const blobDir = mkdtempSync(path.join(tmpdir(), 'reflex-slo-blobs-'));

describe('the window arithmetic', () => {
  it('groups routes by their first segment', () => {
    expect(routeGroup('/api/v1/documents/{id}')).toBe('documents');
    expect(routeGroup('/api/health/ready')).toBe('health');
    expect(routeGroup('/api/v1/search')).toBe('search');
  });

  it('interpolates the p95 inside its bucket, and stops at the last finite bound', () => {
    // 100 requests: 90 under 0.1 s, 10 between 0.1 and 0.5 s. Rank 95 is half-way through the second bucket.
    expect(p95Ms(new Map([[0.1, 90], [0.5, 100], [Infinity, 100]]))).toBeCloseTo(300, 6);
    expect(p95Ms(new Map([[0.1, 10], [0.5, 20], [Infinity, 100]]))).toBe(500);
    expect(p95Ms(new Map([[0.1, 0], [Infinity, 0]]))).toBeNull();
  });

  it('takes a counter that went down for a restart, not for negative traffic', () => {
    const snap = (requests: number, errors: number): MetricSnapshot => ({
      groups: new Map([['documents', { requests, errors, buckets: new Map([[Infinity, requests]]) }]]),
      pipelineRuns: 0,
      pipelineFailures: 0,
    });
    expect(diffSnapshots(snap(50, 5), snap(40, 1)).groups.get('documents')).toMatchObject({ requests: 10, errors: 4 });
    expect(diffSnapshots(snap(7, 2), snap(40, 1)).groups.get('documents')).toMatchObject({ requests: 7, errors: 2 });
  });

  it('judges latency per group against its own threshold, and leaves thin traffic unjudged', () => {
    const env = parseEnv({ NODE_ENV: 'test', SLO_P95_LATENCY_MS_BY_GROUP: 'search=3000, assistant=15000', SLO_MIN_REQUESTS: '10' });
    const slow = (n: number) => ({ requests: n, errors: 0, buckets: new Map([[2.5, 0], [5, n], [Infinity, n]]) });
    const window: MetricSnapshot = {
      groups: new Map([['search', slow(20)], ['assistant', slow(20)], ['documents', slow(5)]]),
      pipelineRuns: 10,
      pipelineFailures: 2,
    };
    const byId = new Map(judgeTraffic(window, 5 * 60_000, env).map((f) => [f.id, f]));
    expect(byId.get('latency:search')?.breached).toBe(true);
    expect(byId.get('latency:assistant')?.breached).toBe(false);
    expect(byId.get('latency:documents')?.breached).toBeNull();
    expect(byId.get('pipeline-failures')).toMatchObject({ breached: true, text: '2 of 10 pipeline runs in the last 5 min failed.' });
    expect(byId.get('error-rate')?.breached).toBe(false);
  });

  it('speaks the PagerDuty Events API v2 shape', () => {
    const at = new Date('2026-01-01T00:05:00.000Z');
    const alert = { key: 'slo:error-rate:1', title: 'Error rate 50%', text: 'details', severity: 'critical' as const };
    expect(pagerDutyEvent({ ...alert, incident: { key: 'slo:error-rate', action: 'trigger' } }, ROUTING_KEY, at)).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'slo:error-rate',
      payload: { summary: 'Error rate 50%', source: 'reflex', severity: 'critical', timestamp: at.toISOString(), component: 'platform', custom_details: { text: 'details' } },
    });
    expect(pagerDutyEvent({ ...alert, incident: { key: 'slo:error-rate', action: 'resolve' } }, undefined, at)).toEqual({
      event_action: 'resolve',
      dedup_key: 'slo:error-rate',
    });
  });
});

describe('blob storage measurement on Vercel Blob', () => {
  it('sums every page of the listing, and lists again only after an hour', async () => {
    const api = await startFakeBlobApi();
    Object.assign(process.env, { VERCEL_BLOB_API_URL: api.url, BLOB_READ_WRITE_TOKEN: FAKE_BLOB_TOKEN });
    resetEnvForTests();
    try {
      const store = createVercelBlobStore(FAKE_BLOB_TOKEN);
      for (const [i, size] of [100, 250, 4_000].entries()) await store.put(`tenants/t/${i}`, new Uint8Array(size), 'application/octet-stream');
      const t0 = Date.parse('2026-01-01T00:00:00.000Z');
      expect(await measureBlobBytes(t0)).toBe(4_350);
      await store.put('tenants/t/later', new Uint8Array(650), 'application/octet-stream');
      const listings = () => api.requests.filter((r) => r.method === 'GET').length;
      const before = listings();
      expect(await measureBlobBytes(t0 + 5 * 60_000)).toBe(4_350);
      expect(listings()).toBe(before);
      expect(await measureBlobBytes(t0 + VERCEL_BLOB_MEASURE_EVERY_MS)).toBe(5_000);
    } finally {
      for (const name of ['VERCEL_BLOB_API_URL', 'BLOB_READ_WRITE_TOKEN']) delete process.env[name];
      resetEnvForTests();
      await api.close();
    }
  });
});

describe('SLO alerts on the evaluate-slos cron', () => {
  let pager: FakeServer;
  let slack: FakeSlack;
  let release: () => Promise<void>;
  const { now, tickAt, latestRun } = cronClock(evaluateSlosOnSchedule.opts.id, '2026-01-01T00:00:30.000Z');

  // PagerDuty's answer: 202 with the dedup key, 400 for a body it cannot take.
  const pagerEvents = () => pager.requests.map((r) => r.json as { event_action: string; dedup_key: string; payload?: { summary: string; severity: string } });

  beforeAll(async () => {
    release = await isolateRunnerDatabase();
    pager = await startFakeServer((_req, res, recorded) => {
      const body = recorded.json as { routing_key?: string; event_action?: string; dedup_key?: string } | undefined;
      if (body?.routing_key !== ROUTING_KEY || !['trigger', 'resolve'].includes(String(body.event_action))) {
        return sendJson(res, 400, { status: 'invalid event', message: 'Event object is invalid' });
      }
      sendJson(res, 202, { status: 'success', message: 'Event processed', dedup_key: body.dedup_key });
    });
    slack = await startFakeSlack();
    Object.assign(process.env, {
      ALERT_WEBHOOK_URL: `${pager.url}/v2/enqueue`,
      ALERT_WEBHOOK_ROUTING_KEY: ROUTING_KEY,
      ALERT_SLACK_WEBHOOK_URL: `${slack.url}/hooks/ops`,
      BLOB_DIR: blobDir,
      SLO_MIN_REQUESTS: '20',
    });
    resetEnvForTests();
    resetAlertGateForTests();
    resetSloBaselineForTests();
    const runner = await startLocalRunner({ functions: [evaluateSlosOnSchedule, sendSlackAlert, sendWebhookAlert], now, backoffBaseMs: 10, backoffMaxMs: 50 });
    if (!runner) throw new Error('this test needs the local runner');
  });

  afterAll(async () => {
    await drainLocalRunner().catch(() => undefined);
    await stopLocalRunner();
    await pager.close();
    await slack.close();
    for (const name of ['ALERT_WEBHOOK_URL', 'ALERT_WEBHOOK_ROUTING_KEY', 'ALERT_SLACK_WEBHOOK_URL', 'BLOB_DIR', 'SLO_MIN_REQUESTS']) delete process.env[name];
    resetEnvForTests();
    await release();
  });

  const traffic = (n: number, status: number) => {
    for (let i = 0; i < n; i++) observeHttpRequest({ route: '/api/v1/documents/{id}', method: 'GET', status, durationMs: 40 });
  };

  it('fires once when the error rate breaches, stays quiet while it lasts, reminds after an hour, and resolves', async () => {
    traffic(30, 500);
    await tickAt('2026-01-01T00:05:00.000Z');
    expect((await latestRun()).output).toMatchObject({ breached: ['error-rate'], alerts: [{ id: 'error-rate', kind: 'breached' }] });
    await drainLocalRunner();
    expect(pagerEvents()).toHaveLength(1);
    expect(pagerEvents()[0]).toMatchObject({ event_action: 'trigger', dedup_key: 'slo:error-rate', payload: { severity: 'critical' } });
    expect(pagerEvents()[0]?.payload?.summary).toBe('Error rate 100%, above the 5% objective');
    expect(slack.received.map((m) => m.body.text)).toEqual([':rotating_light: Error rate 100%, above the 5% objective']);

    // Still failing five minutes later: the breach is known, nothing is sent.
    traffic(30, 500);
    await tickAt('2026-01-01T00:10:00.000Z');
    expect((await latestRun()).output).toMatchObject({ breached: ['error-rate'], alerts: [] });
    // Too little traffic to judge: the breach stays open, still silent.
    traffic(3, 200);
    await tickAt('2026-01-01T00:15:00.000Z');
    expect((await latestRun()).output).toMatchObject({ breached: ['error-rate'], alerts: [] });
    await drainLocalRunner();
    expect(pagerEvents()).toHaveLength(1);

    // An hour after the first alert, still failing: one reminder on the same PagerDuty incident.
    traffic(30, 500);
    await tickAt('2026-01-01T01:05:00.000Z');
    await drainLocalRunner();
    expect((await latestRun()).output).toMatchObject({ alerts: [{ id: 'error-rate', kind: 'reminder' }] });
    expect(pagerEvents()).toHaveLength(2);
    expect(pagerEvents()[1]).toMatchObject({ event_action: 'trigger', dedup_key: 'slo:error-rate' });

    traffic(40, 200);
    await tickAt('2026-01-01T01:10:00.000Z');
    await drainLocalRunner();
    expect((await latestRun()).output).toMatchObject({ breached: [], alerts: [{ id: 'error-rate', kind: 'resolved' }] });
    expect(pagerEvents()).toHaveLength(3);
    expect(pagerEvents()[2]).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'slo:error-rate' });
    expect(slack.received).toHaveLength(3);
    expect(slack.received[2]?.body.text).toMatch(/^:information_source: Resolved: Error rate 100%/);
  });

  it('warns at 70% of the blob and database limits, not below', async () => {
    const at = Date.parse('2026-01-02T00:00:00.000Z');
    const [row] = await queryRows<{ bytes: string | number }>(await getDb(), sql`select pg_database_size(current_database()) as bytes`);
    const dbMb = Number(row?.bytes) / (1024 * 1024);
    mkdirSync(path.join(blobDir, 'tenants', 'a'), { recursive: true });
    writeFileSync(path.join(blobDir, 'tenants', 'a', 'one.bin'), Buffer.alloc(600 * 1024));
    // The database at about 60% of its limit, the blob store at 59%.
    Object.assign(process.env, { CAPACITY_BLOB_MB: '1', CAPACITY_DATABASE_MB: String(Math.ceil(dbMb / 0.6)) });
    resetEnvForTests();
    const before = await evaluateSlos({ now: at });
    expect(before.alerts).toEqual([]);

    writeFileSync(path.join(blobDir, 'tenants', 'a', 'two.bin'), Buffer.alloc(200 * 1024));
    process.env.CAPACITY_DATABASE_MB = String(Math.floor(dbMb / 0.72));
    resetEnvForTests();
    const after = await evaluateSlos({ now: at + 5 * 60_000 });
    expect(after.alerts).toEqual([
      { id: 'capacity:database', kind: 'breached' },
      { id: 'capacity:blob', kind: 'breached' },
    ]);
    await drainLocalRunner();
    const summaries = pagerEvents().map((e) => e.payload?.summary ?? '');
    expect(summaries).toContain('Blob storage at 78.1% of its limit');
    expect(summaries.some((s) => /^Database storage at 7\d(\.\d)?% of its limit$/.test(s))).toBe(true);
    // Evaluated again, still above: no second alert.
    expect((await evaluateSlos({ now: at + 10 * 60_000 })).alerts).toEqual([]);
    for (const name of ['CAPACITY_BLOB_MB', 'CAPACITY_DATABASE_MB']) delete process.env[name];
    resetEnvForTests();
  });
});
