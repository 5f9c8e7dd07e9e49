import { z } from 'zod';
import { AiAbortedError, AiError } from '@/lib/ai/errors';
import type { Tx } from '@/lib/db/types';
import { getAiSettings, type AiSettings } from '@/lib/documents/ai-settings';
import { AppError } from '@/lib/http/errors';
import { logger } from '@/lib/log';
import { assertAiBudgetLeft } from '@/lib/quotas';
import { runQueryAi } from './ai';
import { candidatesFor, fuseRankings, keywordChunks, loadChunks, nearestChunks, type ChunkRow, type Scope } from './retrieve';

export const MAX_QUERY_LENGTH = 500;
export const MAX_SEARCH_LIMIT = 50;

export const searchQuerySchema = z.strictObject({
  q: z.string().trim().min(1, 'q must not be empty').max(MAX_QUERY_LENGTH),
  limit: z.coerce.number().int().min(1).max(MAX_SEARCH_LIMIT).default(10),
});
export type SearchQuery = z.output<typeof searchQuerySchema>;

const highlightSchema = z.object({ start: z.number().int(), end: z.number().int() });

export const searchHitSchema = z
  .object({
    chunkId: z.uuid(),
    documentId: z.uuid(),
    documentTitle: z.string(),
    documentKind: z.string(),
    category: z.string().nullable(),
    ord: z.number().int().describe('Position of the chunk in its document (0-based)'),
    charStart: z.number().int().describe('Offset of the chunk in the document text'),
    charEnd: z.number().int(),
    snippet: z.string().describe('Best-matching passage of the chunk (plain text)'),
    highlights: z.array(highlightSchema).describe('Matched words in snippet, as [start, end) offsets'),
    score: z.number().describe('Reciprocal rank fusion score (higher is better)'),
    vectorRank: z.number().int().nullable().describe('1-based rank in the semantic ranking; null if not in it'),
    vectorSimilarity: z.number().nullable().describe('Cosine similarity to the query embedding'),
    textRank: z.number().int().nullable().describe('1-based rank in the keyword ranking; null if not in it'),
    textScore: z.number().nullable().describe('ts_rank of the keyword match'),
  })
  .meta({ id: 'SearchHit' });
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResultSchema = z
  .object({
    query: z.string(),
    mode: z.enum(['hybrid', 'keyword']).describe('keyword when the query could not be embedded'),
    embeddingModel: z.string().nullable().describe('provider/model of the query embedding'),
    notice: z.string().nullable().describe('Why semantic search was skipped, when it was'),
    items: z.array(searchHitSchema),
  })
  .meta({ id: 'SearchResult' });
export type SearchResult = z.infer<typeof searchResultSchema>;

export interface RetrievedChunk extends SearchHit {
  text: string;
}

export interface Retrieval {
  mode: 'hybrid' | 'keyword';
  embeddingModel: string | null;
  notice: string | null;
  chunks: RetrievedChunk[];
}

// Without AI budget left, search still answers, from keywords alone (no embedding call, so no cost).
async function budgetNotice(tx: Tx, tenantId: string): Promise<string | null> {
  try {
    await assertAiBudgetLeft(tx, tenantId);
    return null;
  } catch (err) {
    if (err instanceof AppError && err.code === 'quota_exceeded') return 'The AI budget for this month is spent; showing keyword matches only.';
    throw err;
  }
}

interface EmbedRequest {
  tenantId: string;
  query: string;
  // Stable per request (the request id): lets providers deduplicate a retried call.
  idempotencyKey: string;
  signal?: AbortSignal;
}

// Either the query's embedding computed before the transaction opened (prepareQueryEmbedding), or what is needed to
// embed it here (scripts that own their transaction); skipEmbedding says why the query must not be embedded.
export type RetrieveOptions = Scope & { tenantId: string; query: string; limit: number } & (
    | { embedded: Embedded }
    | (EmbedRequest & { skipEmbedding?: string })
  );

export type Embedded = { vector: number[]; model: string } | { notice: string };

// Without a transaction (`tx` undefined) the call's usage row is written in a transaction of its own.
async function embedQuery(tx: Tx | undefined, settings: AiSettings, options: EmbedRequest): Promise<Embedded> {
  try {
    const result = await runQueryAi(settings, tx, (router) =>
      router.run(
        'embed',
        { texts: [options.query] },
        { tenantId: options.tenantId, idempotencyKey: options.idempotencyKey, ...(options.signal ? { signal: options.signal } : {}) },
      ),
    );
    const vector = result.output.embeddings[0];
    if (!vector) return { notice: 'The embedding provider returned no vector; showing keyword matches only.' };
    return { vector, model: `${result.provider}/${result.model}` };
  } catch (err) {
    // Search still answers when the embedding provider is down or not allowed: keyword matches only, said so.
    if (err instanceof AiError && !(err instanceof AiAbortedError)) {
      logger.warn('query embedding failed; keyword search only', { tenantId: options.tenantId, error: err.message });
      return { notice: `Semantic search is unavailable (${err.message}); showing keyword matches only.` };
    }
    throw err;
  }
}

// Hybrid retrieval: a kNN over chunk embeddings and a full-text ranking, fused by reciprocal rank. Runs inside the
// caller's tenant transaction; the embedding call's usage row is written through it.
export async function retrieveChunks(tx: Tx, settings: AiSettings, options: RetrieveOptions): Promise<Retrieval> {
  const candidates = candidatesFor(options.limit);
  const scope: Scope = options.documentIds ? { documentIds: options.documentIds } : {};
  const embedded: Embedded =
    'embedded' in options ? options.embedded : options.skipEmbedding ? { notice: options.skipEmbedding } : await embedQuery(tx, settings, options);
  const vectorRanking = 'vector' in embedded ? await nearestChunks(tx, embedded.vector, embedded.model, candidates, scope) : [];
  const textRanking = await keywordChunks(tx, options.query, candidates, scope);
  const fused = fuseRankings(vectorRanking, textRanking, options.limit);
  const rows = await loadChunks(
    tx,
    fused.map((f) => f.id),
    options.query,
  );
  const chunks = fused.flatMap((f): RetrievedChunk[] => {
    const row: ChunkRow | undefined = rows.get(f.id);
    if (!row) return [];
    return [
      {
        chunkId: row.id,
        documentId: row.documentId,
        documentTitle: row.documentTitle,
        documentKind: row.documentKind,
        category: row.category,
        ord: row.ord,
        charStart: row.charStart,
        charEnd: row.charEnd,
        snippet: row.snippet,
        highlights: row.highlights,
        text: row.text,
        score: f.score,
        vectorRank: f.vector?.rank ?? null,
        vectorSimilarity: f.vector?.score ?? null,
        textRank: f.text?.rank ?? null,
        textScore: f.text?.score ?? null,
      },
    ];
  });
  return 'vector' in embedded
    ? { mode: 'hybrid', embeddingModel: embedded.model, notice: null, chunks }
    : { mode: 'keyword', embeddingModel: null, notice: embedded.notice, chunks };
}

export interface PreparedQuery {
  settings: AiSettings;
  embedded: Embedded;
}

/**
 * The query's embedding, computed before the request's tenant transaction opens: an AI provider can take seconds,
 * and a transaction held meanwhile would hold a connection (on the embedded database, the only one). The settings
 * and budget are read in a short transaction of their own (`inTenant`); without budget left, nothing is embedded.
 */
export async function prepareQueryEmbedding(
  inTenant: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>,
  options: EmbedRequest,
): Promise<PreparedQuery> {
  const { settings, noBudget } = await inTenant(async (tx) => ({ settings: await getAiSettings(tx), noBudget: await budgetNotice(tx, options.tenantId) }));
  return { settings, embedded: noBudget ? { notice: noBudget } : await embedQuery(undefined, settings, options) };
}

// For callers that already read the settings and checked the budget in their own short transaction.
export async function embedOutsideTransaction(settings: AiSettings, options: EmbedRequest): Promise<PreparedQuery> {
  return { settings, embedded: await embedQuery(undefined, settings, options) };
}

export function prepareSearch(
  inTenant: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>,
  tenantId: string,
  query: SearchQuery,
  request: { requestId: string; signal?: AbortSignal },
): Promise<PreparedQuery> {
  return prepareQueryEmbedding(inTenant, {
    tenantId,
    query: query.q,
    idempotencyKey: `search:${request.requestId}`,
    ...(request.signal ? { signal: request.signal } : {}),
  });
}

export async function searchDocuments(tx: Tx, tenantId: string, query: SearchQuery, prepared: PreparedQuery): Promise<SearchResult> {
  const retrieval = await retrieveChunks(tx, prepared.settings, {
    tenantId,
    query: query.q,
    embedded: prepared.embedded,
    limit: query.limit,
  });
  return {
    query: query.q,
    mode: retrieval.mode,
    embeddingModel: retrieval.embeddingModel,
    notice: retrieval.notice,
    items: retrieval.chunks.map(({ text: _text, ...hit }) => hit),
  };
}
