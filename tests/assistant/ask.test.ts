import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as askRoute from '@/app/api/v1/assistant/ask/route';
import { NO_SOURCES_ANSWER } from '@/lib/assistant/stream';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { call, provision } from '../helpers/http';
import { CONTRACT, FOREIGN, MEETING, POLICY } from '../search/corpus';
import { seedDocument, type SeededDocument } from '../search/seed';
import { parseAsk } from './ndjson';

type Tenant = Awaited<ReturnType<typeof provision>>;

let a: Tenant;
let b: Tenant;
let contract: SeededDocument;
let meeting: SeededDocument;
let policy: SeededDocument;
let foreign: SeededDocument;

const ask = (tenant: Tenant, body: unknown) =>
  call(askRoute.POST, { method: 'POST', path: '/api/v1/assistant/ask', body, as: { apiKey: tenant.apiKey } });

const usageRows = (tenantId: string) =>
  withTenant(tenantId, (tx) =>
    queryRows<{ operation: string; provider: string }>(tx, sql`select operation, provider from ai_usage order by created_at`),
  );

beforeAll(async () => {
  [a, b] = [await provision(), await provision()];
  contract = await seedDocument(a.tenantId, CONTRACT);
  meeting = await seedDocument(a.tenantId, MEETING);
  policy = await seedDocument(a.tenantId, POLICY);
  foreign = await seedDocument(b.tenantId, FOREIGN);
});

describe('POST /api/v1/assistant/ask', () => {
  it('streams NDJSON: sources, the answer in pieces, then done with citations of the tenant chunks', async () => {
    const res = await ask(a, { question: 'What termination notice does the Northwind agreement require?' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const out = parseAsk(res.body);
    expect(out.deltas).toBe(out.answer);
    expect(out.answer).toContain('ninety (90) days');
    expect(out.done.provider).toBe('offline');
    expect(out.done.citations.length).toBeGreaterThan(0);
    const [first] = out.done.citations;
    expect(first.chunkId).toBe(contract.chunkIds[1]);
    expect(first.documentId).toBe(contract.documentId);
    expect(first.documentTitle).toBe(CONTRACT.title);
    expect(CONTRACT.chunks[1]).toContain(first.snippet);
    // Every citation is one of the sources the stream announced.
    const sourceChunks = new Set(out.sources.map((s: { chunkId: string }) => s.chunkId));
    for (const c of out.done.citations) expect(sourceChunks.has(c.chunkId)).toBe(true);
  });

  it('writes a usage row for the query embedding and one for the answer', async () => {
    const before = await usageRows(a.tenantId);
    const out = parseAsk((await ask(a, { question: 'Who drafts the release notes?' })).body);
    expect(out.answer).toContain('Lee will draft the release notes');
    const after = await usageRows(a.tenantId);
    const added = after.slice(before.length).map((r) => `${r.operation}:${r.provider}`);
    expect(added).toEqual(['embed:offline', 'answer:offline']);
  });

  it("never cites or retrieves another tenant's chunks", async () => {
    const own = new Set([...contract.chunkIds, ...meeting.chunkIds, ...policy.chunkIds]);
    const fromA = parseAsk((await ask(a, { question: FOREIGN.chunks[0] })).body);
    for (const s of fromA.sources) expect(own.has(s.chunkId)).toBe(true);
    for (const c of fromA.done.citations) expect(own.has(c.chunkId)).toBe(true);

    const fromB = parseAsk((await ask(b, { question: 'What termination notice does the Northwind agreement require?' })).body);
    for (const s of fromB.sources) expect(foreign.chunkIds).toContain(s.chunkId);
    for (const c of fromB.done.citations) expect(c.documentId).toBe(foreign.documentId);
    expect(fromB.answer).not.toContain('ninety');
  });

  it('answers only from the documents asked about; another tenant\'s document id is 404', async () => {
    const scoped = parseAsk((await ask(a, { question: 'How many days?', documentIds: [policy.documentId] })).body);
    expect(scoped.sources.length).toBeGreaterThan(0);
    for (const s of scoped.sources) expect(s.documentId).toBe(policy.documentId);

    const res = await ask(a, { question: 'How many days?', documentIds: [foreign.documentId] });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    const mixed = await ask(a, { question: 'How many days?', documentIds: [policy.documentId, foreign.documentId] });
    expect(mixed.status).toBe(404);
  });

  it('says so without calling a model when the organization has nothing to search', async () => {
    const empty = await provision();
    const out = parseAsk((await ask(empty, { question: 'What is our refund policy?' })).body);
    expect(out.sources).toEqual([]);
    expect(out.answer).toBe(NO_SOURCES_ANSWER);
    expect(out.done.citations).toEqual([]);
    expect((await usageRows(empty.tenantId)).map((r) => r.operation)).toEqual(['embed']);
  });

  it('rejects bad bodies with 4xx before streaming', async () => {
    for (const body of [{}, { question: '' }, { question: '   ' }, { question: 'x', extra: 1 }, { question: 'x', documentIds: ['nope'] }, { question: 'x'.repeat(2001) }]) {
      const res = await ask(a, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    const notJson = await call(askRoute.POST, {
      method: 'POST',
      path: '/api/v1/assistant/ask',
      rawBody: 'question=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      as: { apiKey: a.apiKey },
    });
    expect(notJson.status).toBe(415);
  });

  it('needs a principal (401) with documents:read (403)', async () => {
    expect((await call(askRoute.POST, { method: 'POST', path: '/api/v1/assistant/ask', body: { question: 'x' } })).status).toBe(401);
    const key = await call(apiKeysRoute.POST, {
      method: 'POST',
      path: '/api/v1/api-keys',
      body: { name: 'tasks only', scopes: ['tasks:read'] },
      as: { apiKey: a.apiKey },
    });
    const res = await call(askRoute.POST, {
      method: 'POST',
      path: '/api/v1/assistant/ask',
      body: { question: 'termination?' },
      as: { apiKey: key.body.secret },
    });
    expect(res.status).toBe(403);
  });
});
