import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '@/lib/db/sql';
import type { Tx } from '@/lib/db/types';

// Raw retrieval over document_chunks. Every query runs in the caller's tenant transaction, so RLS limits it to
// the tenant's chunks; nothing here filters by tenant itself.

// Reciprocal rank fusion constant (Cormack et al.): damps the head so neither list dominates.
export const RRF_K = 60;
// pgvector's default ef_search; raised when more candidates are wanted.
const MIN_EF_SEARCH = 40;
const MAX_EF_SEARCH = 1000;
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
  const ef = Math.min(MAX_EF_SEARCH, Math.max(MIN_EF_SEARCH, candidates));
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

// Keyword queries as people type them ("termination notice period") match any of their words, ranked by how many
// and how well; a query using web-search syntax (quotes, -word, or) keeps its exact meaning.
export function textQuery(q: string): SQL {
  if (OPERATORS.test(q)) return sql`websearch_to_tsquery('english', ${q})`;
  const words = [...new Set(q.toLowerCase().match(WORD) ?? [])].slice(0, 32);
  // Only letters and digits reach to_tsquery, so no word can carry tsquery syntax.
  return sql`to_tsquery('english', ${words.length > 0 ? words.join(' | ') : ''})`;
}

export async function keywordChunks(tx: Tx, q: string, limit: number, scope: Scope = {}): Promise<Candidate[]> {
  const rows = await queryRows<{ id: string; rank: number }>(
    tx,
    sql`select c.id, ts_rank(c.tsv, query) as rank
        from document_chunks c, ${textQuery(q)} query
        where c.tsv @@ query${documentFilter(scope)}
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
