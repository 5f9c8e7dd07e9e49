import { and, asc, desc, eq, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { contextualQuestion } from '@/lib/ai/follow-up';
import type { AccessSubject } from '@/lib/tenancy/access';
import { assistantConversations, assistantTurns, TURN_STATUSES } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { conflict, forbidden, notFound } from '@/lib/http/errors';
import { decodeCursor, encodeCursor, pageQuery } from '@/lib/http/pagination';
import { clipAtWord } from '@/lib/ui/format';
import { boundedText, LIMITS } from '@/lib/validation/text';
import { askCitationSchema, type AskCitation } from './citations';

// Assistant threads. Every query runs in the request's tenant transaction with app.user_id set to the caller, and
// the tables' policies show a row only to its owner (lib/db/schema/assistant.ts): another member's thread, like
// another tenant's, is simply not there (404). The user_id conditions below repeat that for the indexes' sake.

export const MAX_TITLE_LENGTH = LIMITS.conversationTitle;
// A conversation keeps this many turns; after that the person is asked to start a new one.
export const MAX_TURNS = 200;
// Earlier turns a follow-up may refer to (given to retrieval and to the model).
export const HISTORY_TURNS = 4;
const TITLE_FROM_QUESTION = 80;

export const conversationTitleSchema = boundedText('Title', MAX_TITLE_LENGTH);

export const conversationSchema = z
  .object({
    id: z.uuid(),
    title: z.string().nullable().describe('null until named: the first question names a conversation'),
    turnCount: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime().describe('Time of the last question'),
  })
  .meta({ id: 'AssistantConversation' });
export type Conversation = z.infer<typeof conversationSchema>;

export const turnSchema = z
  .object({
    id: z.uuid(),
    ord: z.number().int(),
    question: z.string(),
    searchQuery: z.string().describe('What retrieval searched for: the question, plus the subject a follow-up refers back to'),
    documentIds: z.array(z.uuid()).nullable(),
    status: z.enum(TURN_STATUSES),
    answer: z.string(),
    citations: z.array(askCitationSchema),
    provider: z.string().nullable(),
    model: z.string().nullable(),
    confidence: z.number().nullable(),
    lowConfidence: z.boolean().nullable(),
    error: z.string().nullable(),
    createdAt: z.iso.datetime(),
    answeredAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'AssistantTurn' });
export type Turn = z.infer<typeof turnSchema>;

export const conversationDetailSchema = conversationSchema.extend({ turns: z.array(turnSchema) }).meta({ id: 'AssistantConversationDetail' });
export type ConversationDetail = z.infer<typeof conversationDetailSchema>;

export const createConversationSchema = z.strictObject({ title: conversationTitleSchema.optional() });
export const renameConversationSchema = z.strictObject({ title: conversationTitleSchema });
export const listConversationsQuery = z.strictObject(pageQuery);

// Conversations belong to a person; an API key has nobody to keep them for.
export function conversationOwner(principal: AccessSubject): string {
  if (principal.kind !== 'user') throw forbidden('Conversations belong to a signed-in person; API keys can ask without a conversationId');
  return principal.userId;
}

type ConversationRow = typeof assistantConversations.$inferSelect;
type TurnRow = typeof assistantTurns.$inferSelect;

function toConversation(r: ConversationRow): Conversation {
  return { id: r.id, title: r.title, turnCount: r.turnCount, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
}

function toTurn(r: TurnRow): Turn {
  return {
    id: r.id,
    ord: r.ord,
    question: r.question,
    searchQuery: r.searchQuery,
    documentIds: r.documentIds,
    status: r.status,
    answer: r.answer,
    citations: r.citations,
    provider: r.provider,
    model: r.model,
    confidence: r.confidence,
    lowConfidence: r.lowConfidence,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    answeredAt: r.answeredAt ? r.answeredAt.toISOString() : null,
  };
}

// A title from a question: whole words only, with an ellipsis when it had to stop early.
export function titleFromQuestion(question: string): string {
  return clipAtWord(question, TITLE_FROM_QUESTION);
}

// Most recently used first; the cursor is the last (updatedAt, id) seen.
export async function listConversations(
  tx: Tx,
  userId: string,
  query: z.output<typeof listConversationsQuery>,
): Promise<{ items: Conversation[]; nextCursor: string | null }> {
  const c = decodeCursor(query.cursor);
  const after = c
    ? or(lt(assistantConversations.updatedAt, new Date(c.t)), and(eq(assistantConversations.updatedAt, new Date(c.t)), lt(assistantConversations.id, c.id)))
    : undefined;
  const rows = await tx
    .select()
    .from(assistantConversations)
    .where(and(eq(assistantConversations.userId, userId), after))
    .orderBy(desc(assistantConversations.updatedAt), desc(assistantConversations.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return { items: items.map(toConversation), nextCursor: rows.length > query.limit && last ? encodeCursor(last.updatedAt, last.id) : null };
}

export async function createConversation(tx: Tx, owner: { tenantId: string; userId: string }, body: { title?: string }): Promise<Conversation> {
  const [row] = await tx
    .insert(assistantConversations)
    .values({ tenantId: owner.tenantId, userId: owner.userId, title: body.title ?? null })
    .returning();
  if (!row) throw new Error('conversation insert returned no row');
  return toConversation(row);
}

async function findConversation(tx: Tx, userId: string, id: string): Promise<ConversationRow> {
  const [row] = await tx
    .select()
    .from(assistantConversations)
    .where(and(eq(assistantConversations.id, id), eq(assistantConversations.userId, userId)))
    .limit(1);
  if (!row) throw notFound('Conversation');
  return row;
}

export async function getConversation(tx: Tx, userId: string, id: string): Promise<ConversationDetail> {
  const conversation = await findConversation(tx, userId, id);
  const turns = await tx.select().from(assistantTurns).where(eq(assistantTurns.conversationId, id)).orderBy(asc(assistantTurns.ord));
  return { ...toConversation(conversation), turns: turns.map(toTurn) };
}

export async function renameConversation(tx: Tx, userId: string, id: string, title: string): Promise<Conversation> {
  const [row] = await tx
    .update(assistantConversations)
    .set({ title })
    .where(and(eq(assistantConversations.id, id), eq(assistantConversations.userId, userId)))
    .returning();
  if (!row) throw notFound('Conversation');
  return toConversation(row);
}

export async function deleteConversation(tx: Tx, userId: string, id: string): Promise<void> {
  const gone = await tx
    .delete(assistantConversations)
    .where(and(eq(assistantConversations.id, id), eq(assistantConversations.userId, userId)))
    .returning({ id: assistantConversations.id });
  if (gone.length === 0) throw notFound('Conversation');
}

export interface HistoryTurn {
  question: string;
  answer: string;
}

export interface FollowUp {
  history: HistoryTurn[];
  // What retrieval searches for: the question, plus the earlier subject when it is a short follow-up.
  searchQuery: string;
}

export interface StartedTurn extends FollowUp {
  turnId: string;
  conversationId: string;
}

// The earlier turns a new question may refer to, read before the question is embedded (outside the request's
// transaction); 404 for a conversation that is not the asker's.
export async function readFollowUp(tx: Tx, owner: { userId: string }, input: { conversationId: string; question: string }): Promise<FollowUp> {
  const [conversation] = await tx
    .select({ id: assistantConversations.id })
    .from(assistantConversations)
    .where(and(eq(assistantConversations.id, input.conversationId), eq(assistantConversations.userId, owner.userId)));
  if (!conversation) throw notFound('Conversation');
  const earlier = await tx
    .select({ question: assistantTurns.question, answer: assistantTurns.answer, status: assistantTurns.status })
    .from(assistantTurns)
    .where(eq(assistantTurns.conversationId, input.conversationId))
    .orderBy(desc(assistantTurns.ord))
    .limit(HISTORY_TURNS);
  const history = earlier.reverse().filter((t) => t.status === 'done').map(({ question, answer }) => ({ question, answer }));
  return { history, searchQuery: contextualQuestion(input.question, history.map((h) => h.question)) };
}

/**
 * Records a question in its conversation (status answering), in the request's transaction. The conversation row is
 * updated first, which locks it: two questions asked at once in one thread get distinct places.
 */
export async function startTurn(
  tx: Tx,
  owner: { tenantId: string; userId: string },
  input: { conversationId: string; question: string; documentIds?: readonly string[]; followUp: FollowUp },
): Promise<StartedTurn> {
  const [counted] = await tx
    .update(assistantConversations)
    .set({
      turnCount: sql`${assistantConversations.turnCount} + 1`,
      title: sql`coalesce(${assistantConversations.title}, ${titleFromQuestion(input.question)})`,
      updatedAt: new Date(),
    })
    .where(and(eq(assistantConversations.id, input.conversationId), eq(assistantConversations.userId, owner.userId)))
    .returning({ turnCount: assistantConversations.turnCount });
  if (!counted) throw notFound('Conversation');
  if (counted.turnCount > MAX_TURNS) throw conflict(`This conversation has reached ${MAX_TURNS} questions; start a new one to keep asking`);
  const [turn] = await tx
    .insert(assistantTurns)
    .values({
      tenantId: owner.tenantId,
      conversationId: input.conversationId,
      userId: owner.userId,
      ord: counted.turnCount - 1,
      question: input.question,
      searchQuery: input.followUp.searchQuery,
      documentIds: input.documentIds ? [...input.documentIds] : null,
    })
    .returning({ id: assistantTurns.id });
  if (!turn) throw new Error('turn insert returned no row');
  return { turnId: turn.id, conversationId: input.conversationId, ...input.followUp };
}

export type TurnOutcome =
  | { status: 'done'; answer: string; citations: AskCitation[]; provider: string | null; model: string | null; confidence: number; lowConfidence: boolean }
  | { status: 'error'; answer: string; error: string };

// Completes a turn; runs in its own transaction after the answer has streamed (the request's one has committed).
export async function finishTurn(tx: Tx, turnId: string, outcome: TurnOutcome): Promise<void> {
  const answered = { status: outcome.status, answer: outcome.answer, answeredAt: new Date() };
  await tx
    .update(assistantTurns)
    .set(
      outcome.status === 'done'
        ? { ...answered, citations: outcome.citations, provider: outcome.provider, model: outcome.model, confidence: outcome.confidence, lowConfidence: outcome.lowConfidence }
        : { ...answered, error: outcome.error },
    )
    .where(and(eq(assistantTurns.id, turnId), eq(assistantTurns.status, 'answering')));
}
