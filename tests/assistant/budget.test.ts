import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as askRoute from '@/app/api/v1/assistant/ask/route';
import * as searchRoute from '@/app/api/v1/search/route';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { setQuotaOverrides } from '@/lib/quotas';
import { call, provision } from '../helpers/http';
import { CONTRACT } from '../search/corpus';
import { seedDocument } from '../search/seed';

// At 100% of the monthly AI budget no new AI work starts: a question is refused, search falls back to keywords.
let t: Awaited<ReturnType<typeof provision>>;

beforeAll(async () => {
  t = await provision();
  await seedDocument(t.tenantId, CONTRACT);
  await withTenant(t.tenantId, (tx) => setQuotaOverrides(tx, t.tenantId, { ai_spend: 0 }));
});

describe('with the AI budget spent', () => {
  it('refuses a question with 429 quota_exceeded before anything streams', async () => {
    const res = await call(askRoute.POST, { method: 'POST', path: '/api/v1/assistant/ask', body: { question: 'termination notice?' }, as: { apiKey: t.apiKey } });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('quota_exceeded');
  });

  it('still searches, by keywords only, without calling any model', async () => {
    const res = await call(searchRoute.GET, { path: '/api/v1/search?q=termination%20notice', as: { apiKey: t.apiKey } });
    expect(res.status).toBe(200);
    expect(res.body.mode).toBe('keyword');
    expect(res.body.notice).toMatch(/AI budget/);
    expect(res.body.items.length).toBeGreaterThan(0);
    const usage = await withTenant(t.tenantId, (tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from ai_usage`));
    expect(usage[0]?.n).toBe(0);
  });
});
