import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as platformTenant from '@/app/api/platform/tenants/[id]/route';
import * as aiSettings from '@/app/api/v1/settings/ai/route';
import * as orgSettings from '@/app/api/v1/settings/organization/route';
import { resetEnvForTests } from '@/lib/env';
import { closeOwnerDb, ownerRows } from '../helpers/db';
import { call, provision, type Identity } from '../helpers/http';

// tenants.settings holds keys written by different people: the AI settings and retention (the organization),
// quotas (operators), alert bookkeeping (the system). Each write must change only its own keys, merged in SQL
// against the row as it is at update time, so that two writers never undo each other.

const TOKEN = 'platform-token-for-concurrency-tests-0123';
let tenantId: string;
let owner: Identity;

const putAi = (rules: unknown[]) => call(aiSettings.PUT, { method: 'PUT', path: '/api/v1/settings/ai', body: { rules }, as: owner });
const patchOrg = (body: unknown) => call(orgSettings.PATCH, { method: 'PATCH', path: '/api/v1/settings/organization', body, as: owner });
const operator = (body: unknown) =>
  call(platformTenant.PATCH, { method: 'PATCH', path: `/api/platform/tenants/${tenantId}`, params: { id: tenantId }, body, headers: { authorization: `Bearer ${TOKEN}` } });
const stored = async () => (await ownerRows<{ settings: Record<string, unknown>; plan: string }>(sql`select settings, plan from tenants where id = ${tenantId}`))[0];
const rule = (i: number) => ({ kind: 'forbidden-pattern', name: `rule ${i}`, pattern: `secret-${i}` });

beforeAll(async () => {
  process.env.PLATFORM_ADMIN_TOKEN = TOKEN;
  resetEnvForTests();
  const t = await provision();
  tenantId = t.tenantId;
  owner = { apiKey: t.apiKey };
});

afterAll(async () => {
  delete process.env.PLATFORM_ADMIN_TOKEN;
  resetEnvForTests();
  await closeOwnerDb();
});

describe('concurrent settings writes', () => {
  it('operator and organization writes issued together all land', async () => {
    const results = await Promise.all([
      putAi([rule(1)]),
      operator({ quotas: { documents: 1234 } }),
      patchOrg({ retentionDays: 30 }),
      operator({ plan: 'professional' }),
      patchOrg({ slackWebhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX' }),
      putAi([rule(1), rule(2)]),
    ]);
    for (const res of results) expect(res.status, JSON.stringify(res.body)).toBe(200);
    const row = await stored();
    expect(row?.plan).toBe('professional');
    expect(row?.settings).toMatchObject({
      quotas: { documents: 1234 },
      retentionDays: 30,
      slackWebhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX',
    });
    expect((row?.settings.ai as { rules: unknown[] }).rules.length).toBeGreaterThanOrEqual(1);
  });

  // Forces the interleaving a busy server produces now and then: the organization's write has read the row and
  // waits to update it while an operator's change commits. Needs a second connection, so a server database.
  const ownerUrl = inject('ownerDatabaseUrl');
  it.skipIf(!ownerUrl)('an AI settings write that waited on an operator change keeps that change (real PostgreSQL)', async () => {
    const { default: pg } = await import('pg');
    const holder = new pg.Client({ connectionString: ownerUrl ?? '' });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from tenants where id = $1 for update', [tenantId]);
      const pid = (await holder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
      const write = putAi([rule(3)]);
      // Wait until the request's update is blocked behind the row lock (its read has already happened).
      for (let i = 0; i < 600; i++) {
        const blocked = await holder.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where $1 = any(pg_blocking_pids(pid))', [pid]);
        if ((blocked.rows[0]?.n ?? 0) > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await holder.query(`update tenants set settings = jsonb_set(settings, '{quotas}', '{"documents": 4321}'::jsonb) where id = $1`, [tenantId]);
      await holder.query('commit');
      expect((await write).status).toBe(200);
    } finally {
      await holder.end();
    }
    const row = await stored();
    expect(row?.settings.quotas).toEqual({ documents: 4321 });
    expect((row?.settings.ai as { rules: unknown[] }).rules).toEqual([rule(3)]);
  });
  if (!ownerUrl) console.log('[tests] the forced-interleaving settings test needs TEST_DATABASE_URL (PGlite has one connection)');
});
