import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
  vector,
} from 'drizzle-orm/pg-core';
import { user } from './auth';
import { tenantIdColumn, tenantPolicy, timestamps } from './helpers';
import { tenants } from './tenancy';

export const DOCUMENT_KINDS = ['text', 'markdown', 'pdf', 'audio'] as const;
export const DOCUMENT_STATUSES = [
  'queued',
  'processing',
  'processed',
  'failed',
  'needs_transcription_provider',
  'cancelled',
] as const;
export const DOCUMENT_STEPS = ['extract', 'chunk', 'embed', 'classify', 'verify', 'summarize'] as const;
export const DOCUMENT_STEP_STATUSES = ['running', 'done', 'failed', 'needs_provider'] as const;

export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export type DocumentStepName = (typeof DOCUMENT_STEPS)[number];
export type DocumentStepStatus = (typeof DOCUMENT_STEP_STATUSES)[number];

// Must match the dimension every AI provider is asked for (lib/ai/types.ts EMBEDDING_DIM).
export const CHUNK_EMBEDDING_DIM = 384;
// Full-text configuration of document_chunks.tsv; queries must use the same one (to_tsquery('english', ...)).
// tsv weighs the document title 'C' (0.2 in ts_rank) and the chunk text 'D' (0.1, the weight of unlabelled lexemes,
// so a body-only match scores as before titles were added). 'A' (1.0) let a title word drown the text: every chunk of
// a document whose title shares a common word with the question outranked the passage answering it, and the eval's
// retrieval recall@5 fell from 1.00 to 0.96.
export const CHUNK_TSV_CONFIG = 'english';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

// Only ever called with the constant lists above, never with input.
const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

export interface StoredActionItem {
  title: string;
  ownerHint?: string;
  dueHint?: string;
  dueDate?: string;
  quote?: string;
}

export interface StoredVerification {
  passed: boolean;
  confidence: number;
  provider: string;
  results: { rule: Record<string, unknown>; passed: boolean; detail: string }[];
}

export const documents = pgTable(
  'documents',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    kind: text('kind', { enum: DOCUMENT_KINDS }).notNull(),
    mime: text('mime').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    checksum: text('checksum').notNull(),
    filename: text('filename'),
    blobKey: text('blob_key'),
    status: text('status', { enum: DOCUMENT_STATUSES }).notNull().default('queued'),
    currentStep: text('current_step', { enum: DOCUMENT_STEPS }),
    error: text('error'),
    // Bumped by every retry or requeue; events carry it, so a superseded run stops at its next step.
    generation: integer('generation').notNull().default(1),
    // The pipeline run that claimed the current generation: a duplicate delivery of the same event stops.
    runId: text('run_id'),
    // Extracted text, or the transcript for audio. Never selected by list queries.
    text: text('text'),
    summary: text('summary'),
    category: text('category'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    verification: jsonb('verification').$type<StoredVerification>(),
    actionItems: jsonb('action_items').$type<StoredActionItem[]>(),
    createdBy: uuid('created_by').references(() => user.id, { onDelete: 'set null' }),
    processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    check('documents_kind_check', sql`kind in (${inList(DOCUMENT_KINDS)})`),
    check('documents_status_check', sql`status in (${inList(DOCUMENT_STATUSES)})`),
    // Duplicate detection is per tenant: another tenant's identical file is invisible and never collides.
    unique('documents_tenant_checksum_uq').on(t.tenantId, t.checksum),
    // Target of the composite foreign keys below: a child row can only point at a document of its own tenant.
    unique('documents_tenant_id_uq').on(t.tenantId, t.id),
    index('documents_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('documents_tenant_status_idx').on(t.tenantId, t.status),
    tenantPolicy('documents'),
  ],
);

export const documentSteps = pgTable(
  'document_steps',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id').notNull(),
    step: text('step', { enum: DOCUMENT_STEPS }).notNull(),
    status: text('status', { enum: DOCUMENT_STEP_STATUSES }).notNull(),
    provider: text('provider'),
    model: text('model'),
    latencyMs: integer('latency_ms'),
    costMicros: bigint('cost_micros', { mode: 'number' }).notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    check('document_steps_step_check', sql`step in (${inList(DOCUMENT_STEPS)})`),
    check('document_steps_status_check', sql`status in (${inList(DOCUMENT_STEP_STATUSES)})`),
    foreignKey({
      name: 'document_steps_document_fk',
      columns: [t.tenantId, t.documentId],
      foreignColumns: [documents.tenantId, documents.id],
    }).onDelete('cascade'),
    unique('document_steps_tenant_doc_step_uq').on(t.tenantId, t.documentId, t.step),
    tenantPolicy('document_steps'),
  ],
);

// HNSW (embedding, vector_cosine_ops) and GIN (tsv) indexes, and the title-copy triggers, live in custom migrations.
export const documentChunks = pgTable(
  'document_chunks',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id').notNull(),
    ord: integer('ord').notNull(),
    text: text('text').notNull(),
    charStart: integer('char_start').notNull(),
    charEnd: integer('char_end').notNull(),
    embedding: vector('embedding', { dimensions: CHUNK_EMBEDDING_DIM }),
    // provider/model of the vector: vectors from different models live in different spaces.
    embeddingModel: text('embedding_model'),
    // Copy of documents.title, so tsv can be a generated column: filled on insert and kept in step with renames by
    // triggers (custom migration 0045), never written by the app.
    documentTitle: text('document_title').notNull().default(''),
    tsv: tsvector('tsv').generatedAlwaysAs(
      sql`setweight(to_tsvector('english', "document_title"), 'C') || setweight(to_tsvector('english', "text"), 'D')`,
    ),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    foreignKey({
      name: 'document_chunks_document_fk',
      columns: [t.tenantId, t.documentId],
      foreignColumns: [documents.tenantId, documents.id],
    }).onDelete('cascade'),
    unique('document_chunks_tenant_doc_ord_uq').on(t.tenantId, t.documentId, t.ord),
    tenantPolicy('document_chunks'),
  ],
);
