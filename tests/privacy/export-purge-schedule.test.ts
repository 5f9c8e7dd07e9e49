import { BLOB_DIR } from './blob-dir';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as createRoute from '@/app/api/v1/privacy/exports/route';
import * as downloadRoute from '@/app/api/v1/privacy/exports/[id]/download/route';
import { functions } from '@/inngest';
import { purgeExpiredExportsOnSchedule } from '@/inngest/functions/privacy/purge-expired-exports';
import { drainLocalRunner, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { privacyExports } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { call, provision, type Identity } from '../helpers/http';
import { cronClock, isolateRunnerDatabase } from '../runner/harness';
import { finishRunsOf } from './runs';

// The hourly purge, run by the real local runner from the app's own function list on a database of its own. The
// runner reads cron slots from `now`, so each tick is a move of the clock, not a wait. Expiry itself is judged by
// the real time (the function fixes `now` in its first step), so "expired" means expires_at in the real past.

const FUNCTION_ID = purgeExpiredExportsOnSchedule.opts.id;

const { now, tickAt, latestRun } = cronClock(FUNCTION_ID, '2026-01-01T00:00:30.000Z');
let release: () => Promise<void>;

interface Export {
  tenantId: string;
  id: string;
}

let expiredA: Export;
let freshA: Export;
let expiredB: Export;
let ownerA: Identity;

const archiveOf = (e: Export) => path.join(BLOB_DIR, 'tenants', e.tenantId, 'privacy-exports', e.id, 'export.ndjson');

async function blobKeyOf(e: Export): Promise<string | null | undefined> {
  const [row] = await withTenant(e.tenantId, (tx) =>
    tx.select({ blobKey: privacyExports.blobKey }).from(privacyExports).where(eq(privacyExports.id, e.id)),
  );
  return row?.blobKey;
}

async function buildExport(as: Identity, tenantId: string, scope: 'me' | 'tenant'): Promise<Export> {
  const created = await call(createRoute.POST, { method: 'POST', path: '/api/v1/privacy/exports', body: { scope }, as });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  await finishRunsOf('build-privacy-export');
  const built: Export = { tenantId, id: created.body.id };
  expect(existsSync(archiveOf(built))).toBe(true);
  return built;
}

// Through the app's own role, in the tenant's transaction: the test database is this file's, not the shared one.
const expire = (e: Export) =>
  withTenant(e.tenantId, (tx) => tx.update(privacyExports).set({ expiresAt: new Date(Date.now() - 3_600_000) }).where(eq(privacyExports.id, e.id)));

beforeAll(async () => {
  release = await isolateRunnerDatabase();
  const runner = await startLocalRunner({ functions, now });
  if (!runner) throw new Error('this test needs the local runner: unset INNGEST_EVENT_KEY and INNGEST_BASE_URL');
  const a = await provision();
  const b = await provision();
  ownerA = { apiKey: a.apiKey };
  expiredA = await buildExport(ownerA, a.tenantId, 'tenant');
  freshA = await buildExport(ownerA, a.tenantId, 'me');
  expiredB = await buildExport({ apiKey: b.apiKey }, b.tenantId, 'me');
  await expire(expiredA);
  await expire(expiredB);
});

afterAll(async () => {
  await drainLocalRunner().catch(() => undefined);
  await stopLocalRunner();
  await release();
});

describe('scheduled purge of expired export archives', () => {
  it('does nothing before its slot', async () => {
    expect(await tickAt('2026-01-01T00:14:59.999Z')).toHaveLength(0);
    expect(existsSync(archiveOf(expiredA))).toBe(true);
    expect(await blobKeyOf(expiredA)).not.toBeNull();
  });

  it('at minute 15 deletes every tenant’s expired archive, one step per tenant, and forgets the keys', async () => {
    expect(await tickAt('2026-01-01T00:15:00.000Z')).toHaveLength(1);
    const run = await latestRun();
    expect(run).toMatchObject({ status: 'completed', event: { name: 'inngest/scheduled.timer' }, output: { tenants: 2, purged: 2 } });
    const perTenant = [expiredA.tenantId, expiredB.tenantId].sort().map((t) => `purge-${t}`);
    expect(run.steps.map((s) => s.name)).toEqual(['list-tenants', ...perTenant]);
    expect(run.steps.every((s) => s.status === 'completed')).toBe(true);

    for (const e of [expiredA, expiredB]) {
      expect(existsSync(archiveOf(e))).toBe(false);
      expect(await blobKeyOf(e)).toBeNull();
    }
  });

  it('leaves an export that has not expired yet alone', async () => {
    expect(existsSync(archiveOf(freshA))).toBe(true);
    expect(await blobKeyOf(freshA)).not.toBeNull();
    const res = await call(downloadRoute.GET, { path: `/api/v1/privacy/exports/${freshA.id}/download`, params: { id: freshA.id }, as: ownerA });
    expect(res.status).toBe(200);
  });

  it('fires again only at the next hour’s slot, and then finds nothing left to purge', async () => {
    expect(await tickAt('2026-01-01T00:45:00.000Z')).toHaveLength(1);
    expect(await tickAt('2026-01-01T01:14:59.999Z')).toHaveLength(1);
    expect(await tickAt('2026-01-01T01:15:00.000Z')).toHaveLength(2);
    const run = await latestRun();
    expect(run).toMatchObject({ status: 'completed', output: { tenants: 0, purged: 0 } });
    expect(run.steps.map((s) => s.name)).toEqual(['list-tenants']);
    expect(existsSync(archiveOf(freshA))).toBe(true);
  });
});
