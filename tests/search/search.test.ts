import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as searchRoute from '@/app/api/v1/search/route';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { call, provision } from '../helpers/http';
import { CONTRACT, FOREIGN, MEETING, POLICY } from './corpus';
import { seedDocument, type SeededDocument } from './seed';

type Tenant = Awaited<ReturnType<typeof provision>>;
interface Hit {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  snippet: string;
  highlights: { start: number; end: number }[];
  score: number;
  vectorRank: number | null;
  textRank: number | null;
}

let a: Tenant;
let b: Tenant;
const docsA: Record<string, SeededDocument> = {};
let foreign: SeededDocument;

const search = (tenant: Tenant, q: string, limit?: number) =>
  call(searchRoute.GET, {
    path: `/api/v1/search?q=${encodeURIComponent(q)}${limit ? `&limit=${limit}` : ''}`,
    as: { apiKey: tenant.apiKey },
  });

beforeAll(async () => {
  [a, b] = [await provision(), await provision()];
  docsA.contract = await seedDocument(a.tenantId, { ...CONTRACT, category: 'contract' });
  docsA.meeting = await seedDocument(a.tenantId, { ...MEETING, category: 'meeting-notes' });
  docsA.policy = await seedDocument(a.tenantId, { ...POLICY, category: 'policy' });
  foreign = await seedDocument(b.tenantId, FOREIGN);
});

describe('GET /api/v1/search', () => {
  it('ranks the chunk that answers the query first, with a highlighted snippet and both rankings', async () => {
    const res = await search(a, 'termination notice');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.mode).toBe('hybrid');
    expect(res.body.embeddingModel).toBe('offline/hashed-ngrams-384-v1');
    const [top] = res.body.items as Hit[];
    expect(top?.chunkId).toBe(docsA.contract?.chunkIds[1]);
    expect(top?.documentId).toBe(docsA.contract?.documentId);
    expect(top?.documentTitle).toBe(CONTRACT.title);
    expect(top?.vectorRank).toBe(1);
    expect(top?.textRank).toBe(1);
    const marked = top?.highlights.map((h) => top.snippet.slice(h.start, h.end).toLowerCase());
    expect(marked).toEqual(expect.arrayContaining(['termination', 'notice']));
  });

  it('finds passages by meaning-bearing words across documents', async () => {
    const hotel = await search(a, 'how much is reimbursed for a hotel night');
    expect((hotel.body.items as Hit[])[0]?.chunkId).toBe(docsA.policy?.chunkIds[1]);
    const launch = await search(a, 'when is the beta launch');
    expect((launch.body.items as Hit[])[0]?.chunkId).toBe(docsA.meeting?.chunkIds[1]);
  });

  it('respects limit and orders by fused score', async () => {
    const res = await search(a, 'thirty days', 2);
    const items = res.body.items as Hit[];
    expect(items).toHaveLength(2);
    expect(items[0]!.score).toBeGreaterThanOrEqual(items[1]!.score);
  });

  it('honours web-search syntax: a quoted phrase and an excluded word', async () => {
    const res = await search(a, '"thirty days" -invoices');
    const ids = (res.body.items as Hit[]).filter((h) => h.textRank !== null).map((h) => h.chunkId);
    expect(ids).toEqual([docsA.policy?.chunkIds[2]]);
  });

  it("never returns another tenant's chunks, even for that tenant's exact wording", async () => {
    const res = await search(a, FOREIGN.chunks[0]!, 50);
    expect(res.status).toBe(200);
    const ids = new Set((res.body.items as Hit[]).map((h) => h.chunkId));
    for (const id of foreign.chunkIds) expect(ids.has(id)).toBe(false);
    const own = new Set(Object.values(docsA).map((d) => d.documentId));
    for (const hit of res.body.items as Hit[]) expect(own.has(hit.documentId)).toBe(true);

    const fromB = await search(b, CONTRACT.chunks[1]!, 50);
    for (const hit of fromB.body.items as Hit[]) expect(hit.documentId).toBe(foreign.documentId);
  });

  it('records the query embedding as a usage row of the tenant (no document)', async () => {
    await search(a, 'expense reports receipts');
    const rows = await withTenant(a.tenantId, (tx) =>
      queryRows<{ operation: string; provider: string; document_id: string | null }>(
        tx,
        sql`select operation, provider, document_id from ai_usage where operation = 'embed'`,
      ),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.provider === 'offline' && r.document_id === null)).toBe(true);
  });

  it('rejects bad queries with 422', async () => {
    for (const path of ['/api/v1/search', '/api/v1/search?q=', '/api/v1/search?q=x&limit=0', '/api/v1/search?q=x&limit=51', '/api/v1/search?q=x&extra=1']) {
      const res = await call(searchRoute.GET, { path, as: { apiKey: a.apiKey } });
      expect(res.status, path).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const long = await call(searchRoute.GET, { path: `/api/v1/search?q=${'a'.repeat(501)}`, as: { apiKey: a.apiKey } });
    expect(long.status).toBe(422);
  });

  it('needs a principal (401) with documents:read (403)', async () => {
    expect((await call(searchRoute.GET, { path: '/api/v1/search?q=x' })).status).toBe(401);
    const key = await call(apiKeysRoute.POST, {
      method: 'POST',
      path: '/api/v1/api-keys',
      body: { name: 'tasks only', scopes: ['tasks:read'] },
      as: { apiKey: a.apiKey },
    });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const res = await call(searchRoute.GET, { path: '/api/v1/search?q=termination', as: { apiKey: key.body.secret } });
    expect(res.status).toBe(403);
  });
});
