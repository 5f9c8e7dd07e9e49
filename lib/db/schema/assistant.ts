import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, jsonb, pgPolicy, pgTable, real, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { user } from './auth';
import { appUser, currentTenant, tenantIdColumn, timestamps } from './helpers';
import { tenants } from './tenancy';

export const TURN_STATUSES = ['answering', 'done', 'error'] as const;
export type TurnStatus = (typeof TURN_STATUSES)[number];

// Who may see a conversation row: its owner, inside their tenant. Privacy work (a tenant export, erasing a member)
// must reach every member's rows and says so explicitly with lib/db/member-scope.ts; nothing else sets it.
export const currentUser = sql`(select nullif(current_setting('app.user_id', true), ''))::uuid`;
const everyMember = sql`(select current_setting('app.member_scope', true)) = 'all'`;

function ownerPolicy(table: string) {
  return pgPolicy(`${table}_owner_isolation`, {
    as: 'permissive',
    for: 'all',
    to: appUser,
    using: sql`tenant_id = ${currentTenant} and (user_id = ${currentUser} or ${everyMember})`,
    withCheck: sql`tenant_id = ${currentTenant} and (user_id = ${currentUser} or ${everyMember})`,
  });
}

export interface StoredCitation {
  ref: string;
  chunkId: string;
  documentId: string;
  documentTitle: string;
  ord: number;
  charStart: number;
  charEnd: number;
  snippet: string;
}

// An assistant thread. Private to the person who started it (see ownerPolicy), like a note to oneself.
export const assistantConversations = pgTable(
  'assistant_conversations',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    // null until named: the first question names it, and a rename replaces it.
    title: text('title'),
    turnCount: integer('turn_count').notNull().default(0),
    ...timestamps,
  },
  (t) => [
    // Target of the turns' composite foreign key: a turn belongs to a conversation of its own tenant and owner.
    unique('assistant_conversations_tenant_id_user_uq').on(t.tenantId, t.id, t.userId),
    index('assistant_conversations_tenant_user_updated_idx').on(t.tenantId, t.userId, t.updatedAt, t.id),
    index('assistant_conversations_user_idx').on(t.userId),
    check('assistant_conversations_title_check', sql`title is null or char_length(title) between 1 and 200`),
    check('assistant_conversations_turn_count_check', sql`turn_count >= 0`),
    ownerPolicy('assistant_conversations'),
  ],
);

// One question and its answer. The row is written when the question is asked (status answering) and completed
// when the answer has streamed (done, or error when it failed or was interrupted).
export const assistantTurns = pgTable(
  'assistant_turns',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    ord: integer('ord').notNull(),
    question: text('question').notNull(),
    // What retrieval searched for: the question, or a short follow-up with the subject it refers back to.
    searchQuery: text('search_query').notNull(),
    documentIds: uuid('document_ids').array(),
    status: text('status', { enum: TURN_STATUSES }).notNull().default('answering'),
    answer: text('answer').notNull().default(''),
    citations: jsonb('citations').$type<StoredCitation[]>().notNull().default([]),
    provider: text('provider'),
    model: text('model'),
    confidence: real('confidence'),
    lowConfidence: boolean('low_confidence'),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    answeredAt: timestamp('answered_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    foreignKey({
      name: 'assistant_turns_conversation_fk',
      columns: [t.tenantId, t.conversationId, t.userId],
      foreignColumns: [assistantConversations.tenantId, assistantConversations.id, assistantConversations.userId],
    }).onDelete('cascade'),
    unique('assistant_turns_conversation_ord_uq').on(t.tenantId, t.conversationId, t.ord),
    index('assistant_turns_user_idx').on(t.userId),
    check('assistant_turns_status_check', sql`status in ('answering', 'done', 'error')`),
    check('assistant_turns_question_check', sql`char_length(question) between 1 and 4000`),
    ownerPolicy('assistant_turns'),
  ],
);
