import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '@/lib/db/sql';
import type { Tx } from '@/lib/db/types';

// Raw retrieval over document_chunks. Every query runs in the caller's tenant transaction, so RLS limits it to
// the tenant's chunks; the one exception is the keyword candidate lookup (reflex_keyword_candidates, migration
// 0045), which filters by the transaction's tenant itself so the GIN index is usable, and returns ids that are then
// read back under RLS.

// Reciprocal rank fusion constant (Cormack et al.): damps the head so neither list dominates.
export const RRF_K = 60;
// Each ranking contributes this many candidates per wanted result (at least MIN_CANDIDATES) before fusion.
const CANDIDATE_FACTOR = 4;
const MIN_CANDIDATES = 20;
const MAX_CANDIDATES = 200;

export function candidatesFor(limit: number): number {
  return Math.min(MAX_CANDIDATES, Math.max(MIN_CANDIDATES, limit * CANDIDATE_FACTOR));
}

// HNSW's candidate list (ef_search). pgvector's default of 40 found about 60% of the exact top 10 on the bench's
// 100k-chunk small-vocabulary corpus; 400 finds 95% (the bench reports recall@10 beside latency). Larger requests
// get twice their size, so the list always reaches well past the last wanted neighbour.
const EF_SEARCH_FOR_RECALL = 400;
const MAX_EF_SEARCH = 1000;

export function efSearchFor(candidates: number): number {
  return Math.min(MAX_EF_SEARCH, Math.max(EF_SEARCH_FOR_RECALL, 2 * candidates));
}

// Control characters that never survive into a snippet: ts_headline marks matches with them, then they become offsets.
const MARK_START = '\u0001';
const MARK_END = '\u0002';

export interface Candidate {
  id: string;
  rank: number;
  score: number;
}

export interface Scope {
  documentIds?: readonly string[];
}

function documentFilter(scope: Scope): SQL {
  if (!scope.documentIds || scope.documentIds.length === 0) return sql``;
  return sql` and c.document_id in (${sql.join(
    scope.documentIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
}

function vectorLiteral(vector: readonly number[]): string {
  return `[${vector.join(',')}]`;
}

// RLS turns every kNN into a filtered one: HNSW finds ef_search neighbours across ALL tenants, then the policy
// drops the other tenants' rows, so a small tenant would get fewer than k results (often none). Iterative scan
// makes the index keep going until k rows pass the filter. Transaction-local, like everything in withTenant.
async function enableIterativeScan(tx: Tx, candidates: number): Promise<void> {
  const ef = efSearchFor(candidates);
  await tx.execute(
    sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', ${String(ef)}, true)`,
  );
}

interface DistanceRow {
  id: string;
  distance: number;
}

function toCandidates(rows: DistanceRow[]): Candidate[] {
  return rows.map((r, i) => ({ id: r.id, rank: i + 1, score: 1 - Number(r.distance) }));
}

// Index (HNSW) kNN by cosine distance, only among vectors of the same embedding model (vectors from different
// models live in different spaces even at the same dimension).
export async function approximateNearest(
  tx: Tx,
  vector: readonly number[],
  embeddingModel: string,
  limit: number,
  scope: Scope = {},
): Promise<Candidate[]> {
  await enableIterativeScan(tx, limit);
  const literal = vectorLiteral(vector);
  // relaxed_order may return neighbours slightly out of order: materialize, then sort exactly (pgvector docs).
  const rows = await queryRows<DistanceRow>(
    tx,
    sql`with nearest as materialized (
          select c.id, c.embedding <=> ${literal}::vector as distance
          from document_chunks c
          where c.embedding is not null and c.embedding_model = ${embeddingModel}${documentFilter(scope)}
          order by c.embedding <=> ${literal}::vector
          limit ${limit}
        )
        select id, distance from nearest order by distance, id`,
  );
  return toCandidates(rows);
}

// Exact kNN: the `+ 0` keeps the planner off the HNSW index, so every visible vector is compared.
export async function exactNearest(
  tx: Tx,
  vector: readonly number[],
  embeddingModel: string,
  limit: number,
  scope: Scope = {},
): Promise<Candidate[]> {
  const literal = vectorLiteral(vector);
  const rows = await queryRows<DistanceRow>(
    tx,
    sql`select c.id, c.embedding <=> ${literal}::vector as distance
        from document_chunks c
        where c.embedding is not null and c.embedding_model = ${embeddingModel}${documentFilter(scope)}
        order by (c.embedding <=> ${literal}::vector) + 0, c.id
        limit ${limit}`,
  );
  return toCandidates(rows);
}

export async function nearestChunks(
  tx: Tx,
  vector: readonly number[],
  embeddingModel: string,
  limit: number,
  scope: Scope = {},
): Promise<Candidate[]> {
  const approximate = await approximateNearest(tx, vector, embeddingModel, limit, scope);
  if (approximate.length >= limit) return approximate;
  // The iterative scan gives up after hnsw.max_scan_tuples, so a small tenant among very large ones can still come
  // up short; an exact scan is cheap exactly then, because RLS leaves only the small tenant's rows.
  return exactNearest(tx, vector, embeddingModel, limit, scope);
}

const OPERATORS = /["]|(^|\s)-\S|\sor\s/i;
const WORD = /[\p{L}\p{N}]+/gu;
// Rows ts_rank scores per keyword query, at most. Matching rows beyond it are not ranked: ranking is the costly part
// (each tsvector is detoasted and scored), and a query that matches this many chunks has no sharp keyword signal
// left for the semantic leg to lose.
export const KEYWORD_CANDIDATE_CAP = 200;

function queryWords(q: string): string[] {
  return [...new Set(q.toLowerCase().match(WORD) ?? [])].slice(0, 32);
}

// Only letters and digits reach to_tsquery, so no word can carry tsquery syntax.
function wordsQuery(words: readonly string[], operator: '&' | '|'): SQL {
  return sql`to_tsquery('english', ${words.join(` ${operator} `)})`;
}

// Keyword queries as people type them ("termination notice period") match any of their words, ranked by how many
// and how well; a query using web-search syntax (quotes, -word, or) keeps its exact meaning. This is the query
// that ranks (and highlights); keywordChunks first looks for rows matching ALL the words.
export function textQuery(q: string): SQL {
  if (OPERATORS.test(q)) return sql`websearch_to_tsquery('english', ${q})`;
  return wordsQuery(queryWords(q), '|');
}

async function candidateIds(tx: Tx, query: SQL, cap: number, scope: Scope): Promise<string[]> {
  const ids = scope.documentIds && scope.documentIds.length > 0 ? sql`array[${sql.join(
    scope.documentIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  )}]` : sql`null::uuid[]`;
  const rows = await queryRows<{ id: string }>(tx, sql`select id from reflex_keyword_candidates(${query}, ${cap}, ${ids})`);
  return rows.map((r) => r.id);
}

// AND first: the rows matching every word are the best keyword matches and, for a specific query, few, so they are
// found from the GIN index without touching the rest. Only when fewer than `limit` rows match all the words do rows
// matching any word join them. Either way at most KEYWORD_CANDIDATE_CAP rows are then ranked by ts_rank against the
// OR query, so among them a row matching more of the words ranks higher, as when every match was ranked.
export async function keywordChunks(tx: Tx, q: string, limit: number, scope: Scope = {}): Promise<Candidate[]> {
  const ranking = textQuery(q);
  const words = OPERATORS.test(q) ? [] : queryWords(q);
  let ids: string[];
  if (words.length > 1) {
    ids = await candidateIds(tx, wordsQuery(words, '&'), KEYWORD_CANDIDATE_CAP, scope);
    if (ids.length < limit) {
      const all = new Set(ids);
      for (const id of await candidateIds(tx, ranking, KEYWORD_CANDIDATE_CAP, scope)) {
        if (all.size >= KEYWORD_CANDIDATE_CAP) break;
        all.add(id);
      }
      ids = [...all];
    }
  } else ids = await candidateIds(tx, ranking, KEYWORD_CANDIDATE_CAP, scope);
  if (ids.length === 0) return [];
  // Read back under RLS, by primary key: the candidate function is the only step that bypasses the policy.
  const rows = await queryRows<{ id: string; rank: number }>(
    tx,
    sql`select c.id, ts_rank(c.tsv, query) as rank
        from document_chunks c, ${ranking} query
        where c.id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})
        order by rank desc, c.id
        limit ${limit}`,
  );
  return rows.map((r, i) => ({ id: r.id, rank: i + 1, score: Number(r.rank) }));
}

export interface Fused {
  id: string;
  score: number;
  vector: Candidate | undefined;
  text: Candidate | undefined;
}

export function fuseRankings(vector: readonly Candidate[], text: readonly Candidate[], limit: number): Fused[] {
  const fused = new Map<string, Fused>();
  for (const c of vector) fused.set(c.id, { id: c.id, score: 1 / (RRF_K + c.rank), vector: c, text: undefined });
  for (const c of text) {
    const hit = fused.get(c.id);
    if (hit) {
      hit.score += 1 / (RRF_K + c.rank);
      hit.text = c;
    } else fused.set(c.id, { id: c.id, score: 1 / (RRF_K + c.rank), vector: undefined, text: c });
  }
  // Ties (same fused score) go to the better vector match, then the better keyword match, then a stable id order.
  return [...fused.values()]
    .sort(
      (a, b) =>
        b.score - a.score ||
        (b.vector?.score ?? -Infinity) - (a.vector?.score ?? -Infinity) ||
        (b.text?.score ?? 0) - (a.text?.score ?? 0) ||
        a.id.localeCompare(b.id),
    )
    .slice(0, limit);
}

export interface ChunkRow {
  id: string;
  documentId: string;
  documentTitle: string;
  documentKind: string;
  category: string | null;
  ord: number;
  charStart: number;
  charEnd: number;
  text: string;
  snippet: string;
  highlights: { start: number; end: number }[];
}

interface RawChunkRow {
  id: string;
  document_id: string;
  title: string;
  kind: string;
  category: string | null;
  ord: number;
  char_start: number;
  char_end: number;
  text: string;
  headline: string;
}

// ts_headline marks matches with MARK_START/MARK_END; they become offsets so no markup (and no HTML) reaches clients.
export function parseHeadline(headline: string): { snippet: string; highlights: { start: number; end: number }[] } {
  let snippet = '';
  const highlights: { start: number; end: number }[] = [];
  let open = -1;
  for (const ch of headline) {
    if (ch === MARK_START) open = snippet.length;
    else if (ch === MARK_END) {
      if (open >= 0 && snippet.length > open) highlights.push({ start: open, end: snippet.length });
      open = -1;
    } else snippet += ch;
  }
  return { snippet, highlights };
}

const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=40, MinWords=18, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

export async function loadChunks(tx: Tx, ids: readonly string[], q: string): Promise<Map<string, ChunkRow>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<RawChunkRow>(
    tx,
    sql`select c.id, c.document_id, d.title, d.kind, d.category, c.ord, c.char_start, c.char_end, c.text,
          ts_headline('english', translate(c.text, ${MARK_START + MARK_END}, ''), ${textQuery(q)}, ${HEADLINE_OPTIONS}) as headline
        from document_chunks c
        join documents d on d.id = c.document_id
        where c.id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
  );
  return new Map(
    rows.map((r) => {
      const { snippet, highlights } = parseHeadline(r.headline);
      return [
        r.id,
        {
          id: r.id,
          documentId: r.document_id,
          documentTitle: r.title,
          documentKind: r.kind,
          category: r.category,
          ord: r.ord,
          charStart: r.char_start,
          charEnd: r.char_end,
          text: r.text,
          snippet,
          highlights,
        },
      ];
    }),
  );
}
