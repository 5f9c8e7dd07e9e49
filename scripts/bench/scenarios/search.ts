// Search and ask latency over a seeded corpus. Two measured tenants share the tables (and the HNSW index) with two
// smaller ones, so RLS filtering and the iterative scan are part of what is measured: one with realistic text (a
// Zipfian vocabulary of 30k words, zipf-text.ts) and one with the small-vocabulary text of synthetic-text.ts, the
// worst case for the keyword leg. Every tenant first gets a few documents through the real pipeline; on PostgreSQL
// the tenants then get a bulk corpus written directly (scripts/bench/scenarios/corpus-seed.ts), and recall@10 of the
// approximate vector leg is measured against exact kNN through the owner connection acting as the app (role
// app_user, the tenant's setting, the app's HNSW settings). Not a LoadPlan: the ask answer is an NDJSON stream timed
// to its first answer byte and to its last line, so run.ts calls runSearchScenario() and appends searchTable().
import pg from 'pg';
import { z } from 'zod';
import { hashedEmbedding } from '@/lib/ai/classical/embed';
import { candidatesFor, efSearchFor } from '@/lib/search/retrieve';
import { bulkSeedCorpus, type BulkSeedResult, type CorpusKind } from './corpus-seed';
import { apiCall, ms, percentile, timedLoop, type LoopResult } from './measure';
import { seededRandom, syntheticParagraph, syntheticQuery, syntheticQuestion } from './synthetic-text';
import type { BenchContext } from './types';
import { buildZipfText, zipfChunk, zipfQuery, zipfQuestion, type ZipfText } from './zipf-text';

export interface SearchOptions {
  /** Documents uploaded through the API into each measured tenant (≤ 100). */
  apiDocuments: number;
  /** Without a bulk corpus (PGlite): paragraphs per API document, so the measured tenants reach their size through the pipeline. */
  apiParagraphs: number;
  otherTenants: number;
  concurrency: number;
  durationSeconds: number;
  /** PostgreSQL only: owner URL of the bench database and how many chunks to write directly per measured tenant. */
  bulk?: { ownerUrl: string; chunks: number; otherTenantChunks: number };
}

export interface RecallRow {
  efSearch: number;
  recallAt10: number;
  /** Mean time of one approximate query, in the bench's own connection. */
  ms: number;
}

export interface CorpusResult {
  kind: CorpusKind;
  chunks: number;
  search: LoopResult;
  ask: LoopResult;
  /** Time to the first answer byte (the first delta line) of the ask stream. */
  askFirstByte: { p50: number; p95: number; p99: number };
  recall: RecallRow[] | null;
}

export interface SearchResult extends SearchOptions {
  otherTenantsChunks: number;
  seed: BulkSeedResult | null;
  trivial: LoopResult;
  corpora: CorpusResult[];
  appEfSearch: number;
}

// Below the enterprise plan's 6,000 requests per minute per tenant, so no 429s.
const MAX_PER_SECOND = 90;
const OTHER_TENANT_DOCUMENTS = 5;
const RECALL_QUERIES = 50;
const RECALL_EF_SEARCH = [40, 100, 200, 400, 800];
const SEARCH_K = 10;
const pageSchema = z.object({ items: z.array(z.object({ id: z.string(), status: z.string() })) });
const detailSchema = z.object({ status: z.string(), chunkCount: z.number() });
const askLineSchema = z.object({ type: z.string() });

interface CorpusText {
  paragraph: (rand: () => number) => string;
  query: (rand: () => number) => string;
  question: (rand: () => number) => string;
}

function corpusText(kind: CorpusKind, zipf: ZipfText): CorpusText {
  if (kind === 'worst-case') return { paragraph: (rand) => syntheticParagraph(rand, 6), query: syntheticQuery, question: syntheticQuestion };
  return { paragraph: (rand) => zipfChunk(zipf, rand), query: (rand) => zipfQuery(zipf, rand), question: (rand) => zipfQuestion(zipf, rand) };
}

/** Uploads `count` long documents and waits until the pipeline has processed them; returns chunks. */
async function seedThroughApi(ctx: BenchContext, apiKey: string, count: number, seed: number, text: CorpusText, paragraphs = 8): Promise<number> {
  const rand = seededRandom(seed);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = Array.from({ length: paragraphs }, () => text.paragraph(rand)).join('\n\n');
    const res = await apiCall(ctx.baseUrl, apiKey, 'POST', '/api/v1/documents', { title: `Bench corpus note ${i + 1}`, text: body });
    if (res.status !== 202) throw new Error(`upload failed: HTTP ${res.status} ${await res.text()}`);
    ids.push(z.object({ id: z.string() }).parse(await res.json()).id);
  }
  const deadline = performance.now() + 1_800_000;
  for (;;) {
    const res = await apiCall(ctx.baseUrl, apiKey, 'GET', '/api/v1/documents?limit=100');
    const items = pageSchema.parse(await res.json()).items;
    if (items.every((d) => d.status !== 'queued' && d.status !== 'processing')) break;
    if (performance.now() > deadline) throw new Error('seeding documents did not finish within 30 minutes');
    await new Promise((r) => setTimeout(r, 250));
  }
  let chunks = 0;
  for (const id of ids) {
    const detail = detailSchema.parse(await (await apiCall(ctx.baseUrl, apiKey, 'GET', `/api/v1/documents/${id}`)).json());
    chunks += detail.chunkCount;
  }
  return chunks;
}

// Reads the NDJSON answer as it streams: `firstByte` gets the time to the first answer text (a delta line, or the
// final line when the answer has no delta). Resolves to the HTTP status, 599 for a stream not ending in "done".
async function askOnce(ctx: BenchContext, apiKey: string, question: string, firstByte: number[]): Promise<number> {
  const started = performance.now();
  const res = await apiCall(ctx.baseUrl, apiKey, 'POST', '/api/v1/assistant/ask', { question });
  if (res.status !== 200 || !res.body) {
    await res.arrayBuffer();
    return res.status;
  }
  const decoder = new TextDecoder();
  let buffered = '';
  let last = '';
  let answered = false;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim() !== '')) {
      last = line;
      const type = askLineSchema.safeParse(JSON.parse(line));
      if (!answered && type.success && (type.data.type === 'delta' || type.data.type === 'done')) {
        answered = true;
        firstByte.push(performance.now() - started);
      }
    }
  }
  if (buffered.trim() !== '') last = buffered;
  const end = askLineSchema.safeParse(JSON.parse(last || '{}'));
  return end.success && end.data.type === 'done' ? 200 : 599;
}

async function chunkCount(ownerUrl: string, tenantId: string): Promise<number> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('select count(*) as n from document_chunks where tenant_id = $1', [tenantId]);
    return Number(rows[0]?.n ?? Number.NaN);
  } finally {
    await client.end();
  }
}

/**
 * Recall@10 of the approximate vector leg against exact kNN, per ef_search: the owner connection becomes the app
 * (SET LOCAL role app_user and the tenant setting, so RLS filters exactly as in a request) and runs the app's
 * approximate query (iterative scan, relaxed order, re-sorted) and the exact one (`+ 0` keeps the planner off the
 * index) over the same query embeddings the offline provider computes for the bench's queries.
 */
async function measureRecall(ownerUrl: string, tenantId: string, queries: readonly string[], model: string, efs: readonly number[]): Promise<RecallRow[]> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const vectors = queries.map((q) => `[${hashedEmbedding(q).join(',')}]`);
  const limit = candidatesFor(SEARCH_K);
  const asApp = async <T>(ef: number | null, fn: () => Promise<T>): Promise<T> => {
    await client.query('begin');
    try {
      await client.query("select set_config('role', 'app_user', true), set_config('app.tenant_id', $1, true)", [tenantId]);
      if (ef !== null) await client.query("select set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', $1, true)", [String(ef)]);
      return await fn();
    } finally {
      await client.query('rollback');
    }
  };
  try {
    const exact: string[][] = [];
    for (const v of vectors) {
      const { rows } = await asApp(null, () =>
        client.query<{ id: string }>(
          `select c.id from document_chunks c where c.embedding is not null and c.embedding_model = $2
           order by (c.embedding <=> $1::vector) + 0, c.id limit ${SEARCH_K}`,
          [v, model],
        ),
      );
      exact.push(rows.map((r) => r.id));
    }
    const result: RecallRow[] = [];
    for (const ef of efs) {
      let found = 0;
      let elapsed = 0;
      for (const [i, v] of vectors.entries()) {
        const t = performance.now();
        const { rows } = await asApp(ef, () =>
          client.query<{ id: string }>(
            `with nearest as materialized (
               select c.id, c.embedding <=> $1::vector as distance from document_chunks c
               where c.embedding is not null and c.embedding_model = $2
               order by c.embedding <=> $1::vector limit ${limit})
             select id from nearest order by distance, id limit ${SEARCH_K}`,
            [v, model],
          ),
        );
        elapsed += performance.now() - t;
        const truth = new Set(exact[i]);
        found += rows.filter((r) => truth.has(r.id)).length;
      }
      const expected = exact.reduce((n, e) => n + e.length, 0);
      result.push({ efSearch: ef, recallAt10: expected > 0 ? found / expected : Number.NaN, ms: elapsed / vectors.length });
    }
    return result;
  } finally {
    await client.end();
  }
}

async function embeddingModelOf(ownerUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ m: string }>('select embedding_model as m from document_chunks where embedding_model is not null limit 1');
    const model = rows[0]?.m;
    if (!model) throw new Error('no embedded chunk');
    return model;
  } finally {
    await client.end();
  }
}

export async function runSearchScenario(ctx: BenchContext, opts: SearchOptions): Promise<SearchResult> {
  const zipf = buildZipfText();
  const kinds: CorpusKind[] = ['realistic', 'worst-case'];
  const measured = [];
  for (const kind of kinds) measured.push({ kind, text: corpusText(kind, zipf), tenant: await ctx.provisionTenant(`Bench Corpus ${kind}`), chunks: 0 });
  const others: { tenantId: string; apiKey: string }[] = [];
  for (let i = 0; i < opts.otherTenants; i++) others.push(await ctx.provisionTenant(`Bench Corpus Neighbour ${i + 1}`));
  const paragraphs = opts.bulk ? 8 : opts.apiParagraphs;
  console.log(`[bench] search: seeding ${opts.apiDocuments} documents of ${paragraphs} paragraphs per measured tenant through the pipeline (+${OTHER_TENANT_DOCUMENTS} per other tenant)`);
  for (const [i, m] of measured.entries()) m.chunks = await seedThroughApi(ctx, m.tenant.apiKey, opts.apiDocuments, 11 + i, m.text, paragraphs);
  let otherTenantsChunks = 0;
  const realistic = corpusText('realistic', zipf);
  for (const [i, t] of others.entries()) otherTenantsChunks += await seedThroughApi(ctx, t.apiKey, OTHER_TENANT_DOCUMENTS, 20 + i, realistic);

  let seed: BulkSeedResult | null = null;
  if (opts.bulk) {
    const { ownerUrl, chunks, otherTenantChunks } = opts.bulk;
    console.log(`[bench] search: writing ${chunks} chunks per measured tenant (+${otherTenantChunks} per other tenant) directly`);
    seed = await bulkSeedCorpus(ownerUrl, [
      ...measured.map((m) => ({ tenantId: m.tenant.tenantId, chunks, corpus: m.kind })),
      ...others.map((t) => ({ tenantId: t.tenantId, chunks: otherTenantChunks, corpus: 'realistic' as const })),
    ]);
    const counted = seed.chunksByTenant;
    for (const m of measured) m.chunks = counted.find((c) => c.tenantId === m.tenant.tenantId)?.chunks ?? Number.NaN;
    otherTenantsChunks = counted.filter((c) => others.some((t) => t.tenantId === c.tenantId)).reduce((n, c) => n + c.chunks, 0);
  }

  const trivialOnce = () =>
    fetch(`${ctx.baseUrl}/api/health`).then(async (res) => {
      await res.arrayBuffer();
      return res.status;
    });
  const { concurrency, durationSeconds } = opts;
  console.log(`[bench] search: ${concurrency} concurrent clients, ${durationSeconds} s each for the trivial route, then search and ask per corpus`);
  const trivial = await timedLoop(concurrency, durationSeconds, trivialOnce);
  const appEfSearch = efSearchFor(candidatesFor(SEARCH_K));
  const corpora: CorpusResult[] = [];
  for (const m of measured) {
    const queryRand = seededRandom(99);
    const queries = Array.from({ length: 200 }, () => m.text.query(queryRand));
    const questions = Array.from({ length: 200 }, () => m.text.question(queryRand));
    const search = (i: number) =>
      apiCall(ctx.baseUrl, m.tenant.apiKey, 'GET', `/api/v1/search?q=${encodeURIComponent(queries[i % queries.length] ?? 'invoice')}`).then(async (res) => {
        await res.arrayBuffer();
        return res.status;
      });
    // Warm-up: first queries compile plans and fault the index into memory.
    await timedLoop(concurrency, 2, search, MAX_PER_SECOND);
    const searchResult = await timedLoop(concurrency, durationSeconds, search, MAX_PER_SECOND);
    const firstByte: number[] = [];
    const ask = await timedLoop(concurrency, durationSeconds, (i) => askOnce(ctx, m.tenant.apiKey, questions[i % questions.length] ?? 'What happened?', firstByte), MAX_PER_SECOND);
    firstByte.sort((a, b) => a - b);
    let recall: RecallRow[] | null = null;
    if (opts.bulk) {
      console.log(`[bench] search: recall@10 of the vector leg (${m.kind}), ${RECALL_QUERIES} queries`);
      const efs = [...new Set([...RECALL_EF_SEARCH, appEfSearch])].sort((a, b) => a - b);
      recall = await measureRecall(opts.bulk.ownerUrl, m.tenant.tenantId, queries.slice(0, RECALL_QUERIES), await embeddingModelOf(opts.bulk.ownerUrl), efs);
      m.chunks = await chunkCount(opts.bulk.ownerUrl, m.tenant.tenantId);
    }
    corpora.push({
      kind: m.kind,
      chunks: m.chunks,
      search: searchResult,
      ask,
      askFirstByte: { p50: percentile(firstByte, 50), p95: percentile(firstByte, 95), p99: percentile(firstByte, 99) },
      recall,
    });
  }
  return { ...opts, otherTenantsChunks, seed, trivial, corpora, appEfSearch };
}

const CORPUS_NAMES: Record<CorpusKind, string> = {
  realistic: 'realistic (Zipfian, 30k words)',
  'worst-case': 'worst case (about 60 words)',
};

export function searchTable(r: SearchResult): string {
  const row = (name: string, l: LoopResult) =>
    `| ${name} | ${l.requestsPerSecond.toFixed(1)} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} | ${(l.p50 / r.trivial.p50).toFixed(1)}× | ${l.requests} | ${l.failures} |`;
  const rows = r.corpora.flatMap((c) => [
    row(`GET /api/v1/search?q=… (hybrid, k = 10), ${CORPUS_NAMES[c.kind]}`, c.search),
    row(`POST /api/v1/assistant/ask (to the last NDJSON line), ${CORPUS_NAMES[c.kind]}`, c.ask),
  ]);
  const firstByte = r.corpora.map(
    (c) => `| ${CORPUS_NAMES[c.kind]} | ${c.chunks} | ${ms(c.askFirstByte.p50)} | ${ms(c.askFirstByte.p95)} | ${ms(c.askFirstByte.p99)} |`,
  );
  const recallRows = r.corpora.flatMap((c) =>
    (c.recall ?? []).map((x) => `| ${CORPUS_NAMES[c.kind]} | ${x.efSearch}${x.efSearch === r.appEfSearch ? ' (the app’s)' : ''} | ${x.recallAt10.toFixed(3)} | ${ms(x.ms)} |`),
  );
  const corpus = r.seed
    ? `per measured tenant ${r.bulk?.chunks ?? 0} chunks written directly plus ${r.apiDocuments} documents through the pipeline ` +
      `(seeded in ${r.seed.seconds.toFixed(0)} s including ${r.seed.indexSeconds.toFixed(0)} s to rebuild the HNSW index), and ${r.otherTenantsChunks} chunks in ${r.otherTenants} other tenants; ` +
      'the two measured tenants and the others share the tables and indexes'
    : `${r.apiDocuments} documents of ${r.apiParagraphs} paragraphs through the pipeline per measured tenant and ${r.otherTenantsChunks} chunks in ${r.otherTenants} other tenants. ` +
      'PGlite is embedded in the server process, which owns its directory, so the corpus goes in through the API and the pipeline, and recall (which needs a second connection) is not measured';
  return [
    `| request | req/s | p50 ms | p95 ms | p99 ms | max ms | p50 vs trivial route | requests | failures |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    row('GET /api/health (same loop)', r.trivial),
    ...rows,
    '',
    '| ask, time to the first answer byte | chunks in the tenant | p50 ms | p95 ms | p99 ms |',
    '|---|---:|---:|---:|---:|',
    ...firstByte,
    '',
    ...(recallRows.length > 0
      ? [
          `| vector leg: recall@10 against exact kNN (${RECALL_QUERIES} queries) | hnsw.ef_search | recall@10 | ms per query |`,
          '|---|---:|---:|---:|',
          ...recallRows,
          '',
        ]
      : []),
    `Corpus: ${corpus}. ${r.concurrency} concurrent clients for ${r.durationSeconds} s per request type, a fetch loop ` +
      `(so the ratio compares latency with the trivial route measured by the same loop), capped at ${MAX_PER_SECOND} requests/s ` +
      'to stay under the enterprise plan limit of the one tenant; offline provider (hashed n-gram query embedding, extractive answer). ' +
      'Realistic queries are two or three words drawn with the corpus frequencies (skipping the 100 most common words); worst-case queries ' +
      'are three words of the small vocabulary, which match most chunks. A failure is a non-2xx or an ask stream that did not end in "done". ' +
      'Recall: the owner connection acts as the app (role app_user, the tenant setting, iterative scan) and compares the approximate ' +
      'top 10 of the app’s query with the exact top 10 for the first 50 search queries’ embeddings.',
  ].join('\n');
}
