import '../documents/blob-dir';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as quotasRoute from '@/app/api/v1/quotas/route';
import { functions } from '@/inngest';
import { drainLocalRunner, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { AppError } from '@/lib/http/errors';
import { assertAiBudgetLeft, assertQuota, PLAN_QUOTAS, setQuotaOverrides, type QuotaOverrides } from '@/lib/quotas';
import type { QuotaReport } from '@/lib/quotas/report';
import { recordAiUsage } from '@/lib/usage/record';
import { call, provision } from '../helpers/http';
import { addMember } from '../helpers/tenancy';
import { isolateRunnerDatabase } from '../runner/harness';
import { uploadText } from '../documents/helpers';

let release: () => Promise<void>;

beforeAll(async () => {
  release = await isolateRunnerDatabase();
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50, functions });
});

afterAll(async () => {
  await drainLocalRunner(60_000);
  await stopLocalRunner();
  await release();
});

const getQuotas = (apiKey: string) => call(quotasRoute.GET, { path: '/api/v1/quotas', as: { apiKey } });
const line = (body: QuotaReport, quota: string) => body.quotas.find((q) => q.quota === quota);
const override = (tenantId: string, o: QuotaOverrides) => withTenant(tenantId, (tx) => setQuotaOverrides(tx, tenantId, o));
const text = (n: number) => `Quota test document ${n} ${randomUUID()}: the budget review is due on Friday.`;

async function thresholdEvents(tenantId: string) {
  return withTenant(tenantId, (tx) =>
    queryRows<{ payload: { quota: string; percent: number }; permission: string }>(
      tx,
      sql`select payload, permission from realtime_events where type = 'quota.threshold' order by seq`,
    ),
  );
}

async function spend(tenantId: string, costMicros: number) {
  await recordAiUsage({
    tenantId,
    documentId: null,
    operation: 'answer',
    provider: 'openai',
    model: 'test-model',
    inputTokens: 10,
    outputTokens: 10,
    audioSeconds: 0,
    costMicros,
    latencyMs: 5,
    escalated: false,
    outcome: 'ok',
  });
}

describe('GET /api/v1/quotas', () => {
  it('shows the plan limits, consumption this month, and per-tenant overrides; other tenants are not counted', async () => {
    const a = await provision();
    const b = await provision();
    const fresh = await getQuotas(a.apiKey);
    expect(fresh.status).toBe(200);
    expect(fresh.body.plan).toBe('standard');
    expect(line(fresh.body, 'documents')).toMatchObject({ used: 0, limit: PLAN_QUOTAS.standard.documents, status: 'ok' });
    expect(line(fresh.body, 'members')).toMatchObject({ used: 1, limit: PLAN_QUOTAS.standard.members });
    expect(line(fresh.body, 'storage')?.resetsAt).toBeNull();
    expect(line(fresh.body, 'ai_spend')?.resetsAt).toBe(fresh.body.periodEnd);

    const body = text(1);
    expect((await uploadText({ apiKey: a.apiKey }, body)).status).toBe(202);
    await spend(a.tenantId, 1234);
    await override(a.tenantId, { documents: 40, ai_spend: null });

    const after = await getQuotas(a.apiKey);
    expect(line(after.body, 'documents')).toMatchObject({ used: 1, limit: 40, remaining: 39, percent: 2 });
    expect(line(after.body, 'storage')).toMatchObject({ used: Buffer.byteLength(body), limit: PLAN_QUOTAS.standard.storage });
    expect(line(after.body, 'ai_spend')).toMatchObject({ limit: null, remaining: null, percent: null, status: 'ok' });
    expect(line(after.body, 'ai_spend')?.used).toBeGreaterThanOrEqual(1234);

    const other = await getQuotas(b.apiKey);
    expect(line(other.body, 'documents')).toMatchObject({ used: 0, limit: PLAN_QUOTAS.standard.documents });
    expect(line(other.body, 'ai_spend')?.used).toBe(0);
  });

  it('needs a principal', async () => {
    expect((await call(quotasRoute.GET, { path: '/api/v1/quotas' })).status).toBe(401);
  });

  it('needs usage:read, and a session only sees the tenant it selects', async () => {
    const a = await provision();
    const b = await provision();
    await override(b.tenantId, { documents: 7 });
    const viewer = await addMember({ apiKey: a.apiKey }, a.tenantId, 'viewer');
    const denied = await call(quotasRoute.GET, { path: '/api/v1/quotas', as: viewer.as });
    expect(denied.status).toBe(403);
    const member = await addMember({ apiKey: a.apiKey }, a.tenantId, 'member');
    const own = await call(quotasRoute.GET, { path: '/api/v1/quotas', as: member.as });
    expect(own.status).toBe(200);
    expect(line(own.body, 'documents')?.limit).toBe(PLAN_QUOTAS.standard.documents);
    expect(line(own.body, 'members')?.used).toBe(3);
    const foreign = await call(quotasRoute.GET, { path: '/api/v1/quotas', as: { cookie: member.cookie, tenantId: b.tenantId } });
    expect(foreign.status).toBe(404);
  });
});

describe('document quota', () => {
  it('alerts once at 80%, then refuses the upload that would pass the limit with a clear 429', async () => {
    const t = await provision();
    await override(t.tenantId, { documents: 5 });
    for (let i = 0; i < 3; i++) expect((await uploadText({ apiKey: t.apiKey }, text(i))).status).toBe(202);
    expect(await thresholdEvents(t.tenantId)).toEqual([]);

    expect((await uploadText({ apiKey: t.apiKey }, text(3))).status).toBe(202);
    const events = await thresholdEvents(t.tenantId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ payload: { quota: 'documents', percent: 80 }, permission: 'usage:read' });

    expect((await uploadText({ apiKey: t.apiKey }, text(4))).status).toBe(202);
    expect(await thresholdEvents(t.tenantId)).toHaveLength(1);

    const refused = await uploadText({ apiKey: t.apiKey }, text(5));
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('quota_exceeded');
    expect(refused.body.error.message).toMatch(/documents uploaded this month would be 6, over the limit of 5/);
    expect(refused.body.error.details).toMatchObject({ quota: 'documents', used: 5, limit: 5 });
    expect(line((await getQuotas(t.apiKey)).body, 'documents')).toMatchObject({ used: 5, status: 'exceeded' });
  });

  it('refuses an upload that would pass the storage limit', async () => {
    const t = await provision();
    await override(t.tenantId, { storage: 100 });
    const refused = await uploadText({ apiKey: t.apiKey }, `${text(1)} ${'x'.repeat(100)}`);
    expect(refused.status).toBe(429);
    expect(refused.body.error.details).toMatchObject({ quota: 'storage', used: 0, limit: 100 });
  });
});

describe('AI budget', () => {
  it('alerts at 80% on the next upload, and at 100% refuses new AI work with a clear error', async () => {
    const t = await provision();
    await override(t.tenantId, { ai_spend: 10_000 });
    await spend(t.tenantId, 8_000);
    expect((await uploadText({ apiKey: t.apiKey }, text(1))).status).toBe(202);
    const events = await thresholdEvents(t.tenantId);
    expect(events.map((e) => e.payload.quota)).toContain('ai_spend');

    await drainLocalRunner(60_000);
    const spent = line((await getQuotas(t.apiKey)).body, 'ai_spend')?.used ?? 0;
    await spend(t.tenantId, Math.max(0, 10_000 - spent));

    const refused = await uploadText({ apiKey: t.apiKey }, text(2));
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('quota_exceeded');
    expect(refused.body.error.message).toMatch(/^AI budget reached: .* new AI work \(uploads, questions\) is refused/);
    await expect(withTenant(t.tenantId, (tx) => assertAiBudgetLeft(tx, t.tenantId))).rejects.toMatchObject({ code: 'quota_exceeded' });
    expect(events.filter((e) => e.payload.quota === 'ai_spend')).toHaveLength(1);

    await override(t.tenantId, { ai_spend: 1_000_000 });
    expect((await uploadText({ apiKey: t.apiKey }, text(3))).status).toBe(202);
  });
});

describe('assertQuota', () => {
  it('counts members with pending invitations and throws AppError(quota_exceeded) past the limit', async () => {
    const t = await provision();
    await override(t.tenantId, { members: 1 });
    const err = await withTenant(t.tenantId, (tx) => assertQuota(tx, t.tenantId, 'members', 1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'quota_exceeded', status: 429 });
    await override(t.tenantId, { members: 2 });
    await expect(withTenant(t.tenantId, (tx) => assertQuota(tx, t.tenantId, 'members', 1))).resolves.toMatchObject({ usage: { members: 1 } });
  });

  it('falls back to the plan when the stored overrides are malformed', async () => {
    const t = await provision();
    await withTenant(t.tenantId, (tx) => tx.execute(sql`update tenants set settings = jsonb_set(settings, '{quotas}', '{"documents": "lots"}')`));
    const res = await getQuotas(t.apiKey);
    expect(line(res.body, 'documents')?.limit).toBe(PLAN_QUOTAS.standard.documents);
  });
});
