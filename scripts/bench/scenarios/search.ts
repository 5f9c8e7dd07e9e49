// Search and ask latency over a seeded corpus: one large tenant plus smaller ones sharing the tables (and the
// HNSW index), so RLS filtering and the iterative scan are part of what is measured. Every tenant first gets a few
// documents through the real pipeline; on PostgreSQL the large tenant then gets a bulk corpus written directly
// (scripts/bench/scenarios/corpus-seed.ts). On PGlite the server process owns the database directory, so the corpus
// is whatever the API seeding produced, and the report says so. Not a LoadPlan: the ask answer is an NDJSON stream
// timed to its last line, so run.ts calls runSearchScenario() and appends searchTable().
import { z } from 'zod';
import { bulkSeedCorpus, type BulkSeedResult } from './corpus-seed';
import { apiCall, ms, timedLoop, type LoopResult } from './measure';
import { seededRandom, syntheticParagraph, syntheticQuery, syntheticQuestion } from './synthetic-text';
import type { BenchContext } from './types';

export interface SearchOptions {
  /** Documents uploaded through the API into the large tenant (≤ 100). */
  apiDocuments: number;
  otherTenants: number;
  concurrency: number;
  durationSeconds: number;
  /** PostgreSQL only: owner URL of the bench database and how many chunks to write directly. */
  bulk?: { ownerUrl: string; chunks: number; otherTenantChunks: number };
}

export interface SearchResult extends SearchOptions {
  corpusChunks: number;
  otherTenantsChunks: number;
  seed: BulkSeedResult | null;
  trivial: LoopResult;
  search: LoopResult;
  ask: LoopResult;
}

// Below the enterprise plan's 6,000 requests per minute per tenant, so no 429s.
const MAX_PER_SECOND = 90;
const OTHER_TENANT_DOCUMENTS = 5;
const pageSchema = z.object({ items: z.array(z.object({ id: z.string(), status: z.string() })) });
const detailSchema = z.object({ status: z.string(), chunkCount: z.number() });
const askLineSchema = z.object({ type: z.string() });

/** Uploads `count` long synthetic documents and waits until the pipeline has processed them; returns chunks. */
async function seedThroughApi(ctx: BenchContext, apiKey: string, count: number, seed: number): Promise<number> {
  const rand = seededRandom(seed);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const text = Array.from({ length: 8 }, () => syntheticParagraph(rand, 6)).join('\n\n');
    const res = await apiCall(ctx.baseUrl, apiKey, 'POST', '/api/v1/documents', { title: `Bench corpus note ${i + 1}`, text });
    if (res.status !== 202) throw new Error(`upload failed: HTTP ${res.status} ${await res.text()}`);
    ids.push(z.object({ id: z.string() }).parse(await res.json()).id);
  }
  const deadline = performance.now() + 600_000;
  for (;;) {
    const res = await apiCall(ctx.baseUrl, apiKey, 'GET', '/api/v1/documents?limit=100');
    const items = pageSchema.parse(await res.json()).items;
    if (items.every((d) => d.status !== 'queued' && d.status !== 'processing')) break;
    if (performance.now() > deadline) throw new Error('seeding documents did not finish within 10 minutes');
    await new Promise((r) => setTimeout(r, 250));
  }
  let chunks = 0;
  for (const id of ids) {
    const detail = detailSchema.parse(await (await apiCall(ctx.baseUrl, apiKey, 'GET', `/api/v1/documents/${id}`)).json());
    chunks += detail.chunkCount;
  }
  return chunks;
}

async function askOnce(ctx: BenchContext, apiKey: string, question: string): Promise<number> {
  const res = await apiCall(ctx.baseUrl, apiKey, 'POST', '/api/v1/assistant/ask', { question });
  const body = await res.text();
  if (res.status !== 200) return res.status;
  const lines = body.trim().split('\n');
  const last = askLineSchema.safeParse(JSON.parse(lines.at(-1) ?? '{}'));
  // A stream that ends in {"type":"error"} answered 200 but gave no answer: count it as a failure.
  return last.success && last.data.type === 'done' ? 200 : 599;
}

export async function runSearchScenario(ctx: BenchContext, opts: SearchOptions): Promise<SearchResult> {
  const big = await ctx.provisionTenant('Bench Corpus');
  const others = [];
  for (let i = 0; i < opts.otherTenants; i++) others.push(await ctx.provisionTenant(`Bench Corpus Neighbour ${i + 1}`));
  console.log(`[bench] search: seeding ${opts.apiDocuments} documents through the pipeline (+${OTHER_TENANT_DOCUMENTS} per other tenant)`);
  let corpusChunks = await seedThroughApi(ctx, big.apiKey, opts.apiDocuments, 11);
  let otherTenantsChunks = 0;
  for (const [i, t] of others.entries()) otherTenantsChunks += await seedThroughApi(ctx, t.apiKey, OTHER_TENANT_DOCUMENTS, 20 + i);

  let seed: BulkSeedResult | null = null;
  if (opts.bulk) {
    const { ownerUrl, chunks, otherTenantChunks } = opts.bulk;
    console.log(`[bench] search: writing ${chunks} chunks (+${otherTenantChunks} per other tenant) directly`);
    seed = await bulkSeedCorpus(ownerUrl, [
      { tenantId: big.tenantId, chunks },
      ...others.map((t) => ({ tenantId: t.tenantId, chunks: otherTenantChunks })),
    ]);
    corpusChunks = seed.chunksByTenant.find((c) => c.tenantId === big.tenantId)?.chunks ?? Number.NaN;
    otherTenantsChunks = seed.chunksByTenant.filter((c) => c.tenantId !== big.tenantId).reduce((n, c) => n + c.chunks, 0);
  }

  const queryRand = seededRandom(99);
  const queries = Array.from({ length: 200 }, () => syntheticQuery(queryRand));
  const questions = Array.from({ length: 200 }, () => syntheticQuestion(queryRand));
  const search = (i: number) =>
    apiCall(ctx.baseUrl, big.apiKey, 'GET', `/api/v1/search?q=${encodeURIComponent(queries[i % queries.length] ?? 'invoice')}`).then(async (res) => {
      await res.arrayBuffer();
      return res.status;
    });
  const trivialOnce = () =>
    fetch(`${ctx.baseUrl}/api/health`).then(async (res) => {
      await res.arrayBuffer();
      return res.status;
    });
  const { concurrency, durationSeconds } = opts;
  // Warm-up: first queries compile plans and fault the index into memory.
  await timedLoop(concurrency, 2, search, MAX_PER_SECOND);
  console.log(`[bench] search: ${concurrency} concurrent clients, ${durationSeconds} s each for the trivial route, search and ask`);
  const trivial = await timedLoop(concurrency, durationSeconds, trivialOnce);
  const searchResult = await timedLoop(concurrency, durationSeconds, search, MAX_PER_SECOND);
  const ask = await timedLoop(concurrency, durationSeconds, (i) => askOnce(ctx, big.apiKey, questions[i % questions.length] ?? 'What happened?'), MAX_PER_SECOND);
  return { ...opts, corpusChunks, otherTenantsChunks, seed, trivial, search: searchResult, ask };
}

export function searchTable(r: SearchResult): string {
  const row = (name: string, l: LoopResult) =>
    `| ${name} | ${l.requestsPerSecond.toFixed(1)} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} | ${(l.p50 / r.trivial.p50).toFixed(1)}× | ${l.requests} | ${l.failures} |`;
  const corpus = r.seed
    ? `${r.corpusChunks} chunks in the measured tenant (${r.apiDocuments} documents through the pipeline, the rest written directly in ` +
      `${r.seed.seconds.toFixed(0)} s including ${r.seed.indexSeconds.toFixed(0)} s to rebuild the HNSW index) and ${r.otherTenantsChunks} chunks in ${r.otherTenants} other tenants`
    : `${r.corpusChunks} chunks in the measured tenant (${r.apiDocuments} documents through the pipeline) and ${r.otherTenantsChunks} in ${r.otherTenants} other tenants. ` +
      'PGlite is embedded in the server process, which owns its directory, so the bench cannot write a bulk corpus beside it: this is a small corpus, not the 100k-chunk one (run with BENCH_DATABASE_URL for that)';
  return [
    `| request | req/s | p50 ms | p95 ms | p99 ms | max ms | p50 vs trivial route | requests | failures |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    row('GET /api/health (same loop)', r.trivial),
    row('GET /api/v1/search?q=… (hybrid, k = 10)', r.search),
    row('POST /api/v1/assistant/ask (to the last NDJSON line)', r.ask),
    '',
    `Corpus: ${corpus}. ${r.concurrency} concurrent clients for ${r.durationSeconds} s per request type, a fetch loop ` +
      `(so the ratio compares latency with the trivial route measured by the same loop), capped at ${MAX_PER_SECOND} requests/s ` +
      'to stay under the enterprise plan limit of the one tenant; offline provider (hashed n-gram query embedding, extractive answer). ' +
      'Queries are three words from the corpus vocabulary; a failure is a non-2xx or an ask stream that did not end in "done". ' +
      'The synthetic vocabulary is small (about 60 words), so a three-word query, whose words the keyword leg ORs, matches most chunks ' +
      '(87% in a 100k-row probe) and ts_rank scores nearly every row: a worst case for the full-text leg, not a typical one.',
  ].join('\n');
}
