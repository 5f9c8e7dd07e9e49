import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as askRoute from '@/app/api/v1/assistant/ask/route';
import * as searchRoute from '@/app/api/v1/search/route';
import * as settingsRoute from '@/app/api/v1/settings/ai/route';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { configureDocumentAi } from '@/lib/documents/ai';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai-fake';
import { BASE, provision } from '../helpers/http';
import { call } from '../helpers/http';
import { CONTRACT, FOREIGN } from '../search/corpus';
import { seedDocument, type SeededDocument } from '../search/seed';
import { parseAsk } from './ndjson';

// The assistant against a server speaking OpenAI's wire format: what the model sees, how its citations map back
// to chunks, and what happens when it fails or hangs mid-stream.

type Tenant = Awaited<ReturnType<typeof provision>>;
let fake: OpenAiFake;
let a: Tenant;
let b: Tenant;
let contract: SeededDocument;

const ask = (tenant: Tenant, body: unknown) =>
  call(askRoute.POST, { method: 'POST', path: '/api/v1/assistant/ask', body, as: { apiKey: tenant.apiKey } });

async function setPolicies(tenant: Tenant, policies: Record<string, unknown>) {
  const res = await call(settingsRoute.PUT, {
    method: 'PUT',
    path: '/api/v1/settings/ai',
    body: { privacyMode: false, policies, rules: [] },
    as: { apiKey: tenant.apiKey },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

beforeAll(async () => {
  fake = await startOpenAiFake({ apiKey: 'sk-test' });
  configureDocumentAi({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseURL }, registry: { openaiMaxRetries: 0 } });
  [a, b] = [await provision(), await provision()];
  contract = await seedDocument(a.tenantId, CONTRACT);
  await seedDocument(b.tenantId, FOREIGN);
  // The seeded vectors are offline ones: keep this tenant's embeddings on that provider (see the last test).
  await setPolicies(a, { embed: { primary: 'offline' } });
});

afterAll(async () => {
  configureDocumentAi({});
  await fake.close();
});

describe('ask with an OpenAI-compatible provider', () => {
  it('sends only the tenant chunks as S-refs and maps the cited refs back to chunks', async () => {
    fake.enqueue('chat', {
      kind: 'ok',
      content: { answer: 'Ninety days, in writing [S1].', citations: [{ id: 'S1', snippet: 'written termination notice of ninety (90) days' }], confidence: 0.92 },
    });
    const before = fake.requestsTo('chat').length;
    const out = parseAsk((await ask(a, { question: 'What termination notice applies?' })).body);
    expect(out.done.provider).toBe('openai');
    expect(out.done.lowConfidence).toBe(false);
    expect(out.answer).toBe('Ninety days, in writing [S1].');
    const s1 = out.sources.find((s: { ref: string }) => s.ref === 'S1');
    expect(out.done.citations).toEqual([expect.objectContaining({ ref: 'S1', chunkId: s1.chunkId, snippet: 'written termination notice of ninety (90) days' })]);
    expect(contract.chunkIds).toContain(s1.chunkId);

    const [request] = fake.requestsTo('chat').slice(before);
    const prompt = JSON.stringify(request?.json);
    expect(prompt).toContain('[S1]');
    expect(prompt).toContain('ninety (90) days');
    expect(prompt).not.toContain('Globex');

    const rows = await withTenant(a.tenantId, (tx) =>
      queryRows<{ provider: string; input_tokens: number; cost_micros: string }>(
        tx,
        sql`select provider, input_tokens, cost_micros from ai_usage where operation = 'answer' order by created_at desc limit 1`,
      ),
    );
    expect(rows[0]?.provider).toBe('openai');
    expect(rows[0]?.input_tokens).toBeGreaterThan(0);
  });

  it('falls back to the offline answer when the API fails, still citing only retrieved chunks', async () => {
    fake.enqueue('chat', { kind: 'server-error' });
    const out = parseAsk((await ask(a, { question: 'What termination notice applies?' })).body);
    expect(out.done.provider).toBe('offline');
    expect(out.done.citations.length).toBeGreaterThan(0);
    for (const c of out.done.citations) expect(contract.chunkIds).toContain(c.chunkId);
  });

  it('sends the sources line before the model has answered', async () => {
    // The model hangs until the tenant's answer timeout; the sources must already be readable by then.
    await setPolicies(a, { embed: { primary: 'offline' }, answer: { primary: 'openai', fallback: ['offline'], timeoutMs: 1500 } });
    fake.enqueue('chat', { kind: 'hang' });
    const chatCalls = fake.requestsTo('chat').length;
    const res = await askRoute.POST(
      new Request(`${BASE}/api/v1/assistant/ask`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ question: 'What termination notice applies?' }),
      }),
      { params: Promise.resolve({}) },
    );
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(JSON.parse(first.split('\n')[0]!).type).toBe('sources');
    // Delivered on its own: a response built only once the answer existed would carry everything in one piece.
    expect(first).not.toContain('"type":"done"');
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    const done = rest.trim().split('\n').map((l) => JSON.parse(l)).at(-1);
    expect(done.type).toBe('done');
    expect(done.provider).toBe('offline');
    // The model was asked and never answered: the answer came from the fallback after the timeout.
    expect(fake.requestsTo('chat').length).toBe(chatCalls + 1);
  });

  it('searches keywords only (and says why) when the query embedding is in another vector space than the chunks', async () => {
    await setPolicies(b, { embed: { primary: 'openai' } });
    const res = await call(searchRoute.GET, { path: '/api/v1/search?q=termination%20notice', as: { apiKey: b.apiKey } });
    expect(res.status).toBe(200);
    expect(res.body.embeddingModel).toBe('openai/text-embedding-3-small');
    // The stored vectors are offline ones: none may be compared with an OpenAI vector, so only keyword hits remain.
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const hit of res.body.items) {
      expect(hit.vectorRank).toBeNull();
      expect(hit.textRank).not.toBeNull();
    }
  });

  it('degrades to keyword search when the embedding provider fails', async () => {
    fake.enqueue('embeddings', { kind: 'server-error' });
    const res = await call(searchRoute.GET, { path: '/api/v1/search?q=termination%20notice', as: { apiKey: b.apiKey } });
    expect(res.status).toBe(200);
    expect(res.body.mode).toBe('keyword');
    expect(res.body.notice).toMatch(/keyword matches only/);
    expect(res.body.items.length).toBeGreaterThan(0);
  });
});
