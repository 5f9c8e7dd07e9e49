import { sql } from 'drizzle-orm';
import { bigint, boolean, check, doublePrecision, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { documents } from './documents';
import { tenantIdColumn, tenantPolicy } from './helpers';
import { tenants } from './tenancy';

export const USAGE_OUTCOMES = ['ok', 'error', 'low_confidence', 'timeout'] as const;

// One row per AI provider call (lib/ai/router.ts aiUsageRowSchema), failed calls included. Rows outlive their
// document (document_id is set null) because they are billing history.
export const aiUsage = pgTable(
  'ai_usage',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id').references(() => documents.id, { onDelete: 'set null' }),
    operation: text('operation').notNull(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    audioSeconds: doublePrecision('audio_seconds').notNull().default(0),
    costMicros: bigint('cost_micros', { mode: 'number' }).notNull().default(0),
    latencyMs: integer('latency_ms').notNull().default(0),
    escalated: boolean('escalated').notNull().default(false),
    outcome: text('outcome', { enum: USAGE_OUTCOMES }).notNull(),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    check('ai_usage_outcome_check', sql`outcome in ('ok', 'error', 'low_confidence', 'timeout')`),
    index('ai_usage_tenant_created_idx').on(t.tenantId, t.createdAt),
    index('ai_usage_document_idx').on(t.documentId),
    tenantPolicy('ai_usage'),
  ],
);
