import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import { documents } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { getAiSettings, type AiSettings } from '@/lib/documents/ai-settings';
import { notFound } from '@/lib/http/errors';
import { assertAiBudgetLeft } from '@/lib/quotas';
import { embedOutsideTransaction, retrieveChunks, type PreparedQuery, type Retrieval, type RetrievedChunk } from '@/lib/search/search';

export const MAX_QUESTION_LENGTH = 2000;
export const DEFAULT_CONTEXT_CHUNKS = 6;
// Passages from one document a question may fill: a long export whose every row shares a word with the question
// must not crowd the document that answers it out of the context.
const MAX_CHUNKS_PER_DOCUMENT = 3;
export const CANDIDATE_FACTOR = 5;

export const askBodySchema = z
  .strictObject({
    question: z.string().trim().min(1, 'question must not be empty').max(MAX_QUESTION_LENGTH),
    documentIds: z.array(z.uuid()).min(1).max(50).optional().describe('Only answer from these documents'),
    maxSources: z.number().int().min(1).max(20).default(DEFAULT_CONTEXT_CHUNKS).describe('Chunks given to the model'),
  })
  .meta({ id: 'AskRequest' });
export type AskBody = z.output<typeof askBodySchema>;

export const askSourceSchema = z
  .object({
    ref: z.string().describe('Short id the model cites, S1, S2, …'),
    chunkId: z.uuid(),
    documentId: z.uuid(),
    documentTitle: z.string(),
    ord: z.number().int(),
    charStart: z.number().int(),
    charEnd: z.number().int(),
    snippet: z.string(),
    score: z.number(),
  })
  .meta({ id: 'AskSource' });
export type AskSource = z.infer<typeof askSourceSchema>;

export const askCitationSchema = askSourceSchema
  .pick({ ref: true, chunkId: true, documentId: true, documentTitle: true, ord: true, charStart: true, charEnd: true })
  .extend({ snippet: z.string().describe('The passage the answer relies on, quoted from the chunk') })
  .meta({ id: 'AskCitation' });
export type AskCitation = z.infer<typeof askCitationSchema>;

// The response is NDJSON: one of these objects per line, in this order: sources, delta…, done (or error).
export const askEventSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('sources'), sources: z.array(askSourceSchema), mode: z.enum(['hybrid', 'keyword']) }),
    z.object({ type: z.literal('delta'), text: z.string() }),
    z.object({
      type: z.literal('done'),
      answer: z.string(),
      citations: z.array(askCitationSchema),
      provider: z.string().nullable(),
      model: z.string().nullable(),
      confidence: z.number(),
      lowConfidence: z.boolean(),
    }),
    z.object({ type: z.literal('error'), error: z.object({ code: z.string(), message: z.string() }) }),
  ])
  .meta({ id: 'AskEvent' });
export type AskEvent = z.infer<typeof askEventSchema>;

export interface PreparedAsk {
  tenantId: string;
  question: string;
  settings: AiSettings;
  sources: (AskSource & { text: string })[];
  mode: 'hybrid' | 'keyword';
}

async function checkDocumentsVisible(tx: Tx, ids: readonly string[]): Promise<void> {
  const unique = [...new Set(ids)];
  // RLS hides other tenants' documents, so an id from another tenant is "not found", exactly like a missing one.
  const rows = await tx.select({ id: documents.id }).from(documents).where(inArray(documents.id, unique));
  if (rows.length !== unique.length) throw notFound('Document');
}

function toSource(chunk: RetrievedChunk, index: number): AskSource & { text: string } {
  return {
    ref: `S${index + 1}`,
    chunkId: chunk.chunkId,
    documentId: chunk.documentId,
    documentTitle: chunk.documentTitle,
    ord: chunk.ord,
    charStart: chunk.charStart,
    charEnd: chunk.charEnd,
    snippet: chunk.snippet,
    score: chunk.score,
    text: chunk.text,
  };
}

// Before the request's tenant transaction opens: the budget and document checks (in a short transaction of their
// own), then the question's embedding, which may take an AI provider seconds.
export async function prepareAskQuery(
  inTenant: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>,
  tenantId: string,
  body: AskBody,
  request: { requestId: string; signal?: AbortSignal },
): Promise<PreparedQuery> {
  const settings = await inTenant(async (tx) => {
    // A question is new AI work: refused (429 quota_exceeded) once the month's AI budget is spent.
    await assertAiBudgetLeft(tx, tenantId);
    if (body.documentIds) await checkDocumentsVisible(tx, body.documentIds);
    return getAiSettings(tx);
  });
  return embedOutsideTransaction(settings, {
    tenantId,
    query: body.question,
    idempotencyKey: `ask:${request.requestId}:embed`,
    ...(request.signal ? { signal: request.signal } : {}),
  });
}

// Retrieval, inside the request's tenant transaction: the answer itself is generated afterwards (answerStream), so
// no transaction stays open while a model writes.
export async function prepareAsk(tx: Tx, tenantId: string, body: AskBody, query: PreparedQuery): Promise<PreparedAsk> {
  const retrieval = await retrieveChunks(tx, query.settings, {
    tenantId,
    query: body.question,
    limit: body.maxSources * CANDIDATE_FACTOR,
    embedded: query.embedded,
    ...(body.documentIds ? { documentIds: body.documentIds } : {}),
  });
  return preparedFrom({ tenantId, question: body.question, settings: query.settings, retrieval, maxSources: body.maxSources });
}

// The context of an answer, from a retrieval of maxSources × CANDIDATE_FACTOR chunks.
export function preparedFrom(input: { tenantId: string; question: string; settings: AiSettings; retrieval: Retrieval; maxSources: number }): PreparedAsk {
  const chunks = diversify(input.retrieval.chunks, input.maxSources);
  return { tenantId: input.tenantId, question: input.question, settings: input.settings, sources: chunks.map(toSource), mode: input.retrieval.mode };
}

// The best `limit` chunks with at most MAX_CHUNKS_PER_DOCUMENT from any one document, in retrieval order.
export function diversify(chunks: readonly RetrievedChunk[], limit: number): RetrievedChunk[] {
  const perDocument = new Map<string, number>();
  const picked: RetrievedChunk[] = [];
  for (const chunk of chunks) {
    if (picked.length >= limit) break;
    const n = perDocument.get(chunk.documentId) ?? 0;
    if (n >= MAX_CHUNKS_PER_DOCUMENT) continue;
    picked.push(chunk);
    perDocument.set(chunk.documentId, n + 1);
  }
  return picked;
}
