import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import { documents } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { getAiSettings, type AiSettings } from '@/lib/documents/ai-settings';
import { notFound } from '@/lib/http/errors';
import { assertAiBudgetLeft } from '@/lib/quotas';
import type { AccessSubject } from '@/lib/tenancy/access';
import { embedOutsideTransaction, retrieveChunks, type PreparedQuery, type Retrieval, type RetrievedChunk } from '@/lib/search/search';
import { askCitationSchema, askSourceSchema, type AskCitation, type AskSource } from './citations';
import { conversationOwner, readFollowUp, startTurn, type FollowUp, type HistoryTurn } from './conversations';

export { askCitationSchema, askSourceSchema, type AskCitation, type AskSource };

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
    conversationId: z
      .uuid()
      .optional()
      .describe('Ask within this conversation (signed-in users only): the question and its answer are kept there, and a short follow-up is understood from the questions before it'),
  })
  .meta({ id: 'AskRequest' });
export type AskBody = z.output<typeof askBodySchema>;

// The response is NDJSON: one of these objects per line, in this order: sources, delta…, done (or error).
export const askEventSchema = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('sources'),
      sources: z.array(askSourceSchema),
      mode: z.enum(['hybrid', 'keyword']),
      searchQuery: z.string().describe('What retrieval searched for: the question, plus the earlier subject for a follow-up'),
      conversationId: z.uuid().nullable(),
      turnId: z.uuid().nullable(),
    }),
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
  searchQuery: string;
  settings: AiSettings;
  sources: (AskSource & { text: string })[];
  mode: 'hybrid' | 'keyword';
  history: HistoryTurn[];
  // Where the answer is kept, when the question was asked in a conversation.
  turn: { id: string; conversationId: string; userId: string } | null;
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

export interface PreparedQuestion extends PreparedQuery {
  // The conversation's earlier turns and the search query they give a follow-up; null outside a conversation.
  followUp: FollowUp | null;
}

// Before the request's tenant transaction opens: the budget, document and conversation checks (in a short
// transaction of their own), then the embedding of what will be searched, which may take an AI provider seconds.
export async function prepareAskQuery(
  inTenant: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>,
  tenantId: string,
  principal: AccessSubject,
  body: AskBody,
  request: { requestId: string; signal?: AbortSignal },
): Promise<PreparedQuestion> {
  const { settings, followUp } = await inTenant(async (tx) => {
    // A question is new AI work: refused (429 quota_exceeded) once the month's AI budget is spent.
    await assertAiBudgetLeft(tx, tenantId);
    if (body.documentIds) await checkDocumentsVisible(tx, body.documentIds);
    const conversation = body.conversationId
      ? await readFollowUp(tx, { userId: conversationOwner(principal) }, { conversationId: body.conversationId, question: body.question })
      : null;
    return { settings: await getAiSettings(tx), followUp: conversation };
  });
  const query = await embedOutsideTransaction(settings, {
    tenantId,
    query: followUp?.searchQuery ?? body.question,
    idempotencyKey: `ask:${request.requestId}:embed`,
    ...(request.signal ? { signal: request.signal } : {}),
  });
  return { ...query, followUp };
}

// Inside the request's tenant transaction: the question joins its conversation, and retrieval runs. The answer itself
// is generated afterwards (answerStream), so no transaction stays open while a model writes.
export async function prepareAsk(tx: Tx, tenantId: string, principal: AccessSubject, body: AskBody, prepared: PreparedQuestion): Promise<PreparedAsk> {
  const owner = body.conversationId ? { tenantId, userId: conversationOwner(principal) } : null;
  const started =
    owner && body.conversationId && prepared.followUp
      ? await startTurn(tx, owner, {
          conversationId: body.conversationId,
          question: body.question,
          followUp: prepared.followUp,
          ...(body.documentIds ? { documentIds: body.documentIds } : {}),
        })
      : null;
  const searchQuery = prepared.followUp?.searchQuery ?? body.question;
  const retrieval = await retrieveChunks(tx, prepared.settings, {
    tenantId,
    query: searchQuery,
    limit: body.maxSources * CANDIDATE_FACTOR,
    embedded: prepared.embedded,
    ...(body.documentIds ? { documentIds: body.documentIds } : {}),
  });
  return {
    ...preparedFrom({ tenantId, question: body.question, settings: prepared.settings, retrieval, maxSources: body.maxSources }),
    searchQuery,
    history: started?.history ?? [],
    turn: started && owner ? { id: started.turnId, conversationId: started.conversationId, userId: owner.userId } : null,
  };
}

// The context of an answer, from a retrieval of maxSources × CANDIDATE_FACTOR chunks (outside a conversation).
export function preparedFrom(input: { tenantId: string; question: string; settings: AiSettings; retrieval: Retrieval; maxSources: number }): PreparedAsk {
  const chunks = diversify(input.retrieval.chunks, input.maxSources);
  return {
    tenantId: input.tenantId,
    question: input.question,
    searchQuery: input.question,
    settings: input.settings,
    sources: chunks.map(toSource),
    mode: input.retrieval.mode,
    history: [],
    turn: null,
  };
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
