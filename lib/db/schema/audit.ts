import { sql } from 'drizzle-orm';
import { bigint, check, index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn, tenantPolicy } from './helpers';
import { tenants } from './tenancy';

export const AUDIT_ACTOR_TYPES = ['user', 'api_key', 'system'] as const;
export const AUDIT_OUTCOMES = ['success', 'denied', 'failure'] as const;

// Append-only (commented 'reflex:append-only' by the custom migration, so app_user gets SELECT and INSERT
// only). Hashed vs personal columns, and why: lib/audit/chain.ts.
export const auditLog = pgTable(
  'audit_log',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    actorType: text('actor_type', { enum: AUDIT_ACTOR_TYPES }).notNull(),
    actorRef: text('actor_ref'),
    action: text('action').notNull(),
    outcome: text('outcome', { enum: AUDIT_OUTCOMES }).notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    requestId: text('request_id'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    personalDigest: text('personal_digest').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    // Personal columns: outside the hashed payload, bound to it by personal_digest, erasable.
    actorId: text('actor_id'),
    actorLabel: text('actor_label'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    personalSalt: text('personal_salt'),
    erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    unique('audit_log_tenant_seq_uq').on(t.tenantId, t.seq),
    index('audit_log_tenant_action_idx').on(t.tenantId, t.action, t.seq),
    index('audit_log_tenant_actor_idx').on(t.tenantId, t.actorId, t.seq),
    index('audit_log_tenant_target_idx').on(t.tenantId, t.targetId, t.seq),
    index('audit_log_tenant_time_idx').on(t.tenantId, t.occurredAt),
    check('audit_log_actor_type_check', sql`actor_type in ('user', 'api_key', 'system')`),
    check('audit_log_outcome_check', sql`outcome in ('success', 'denied', 'failure')`),
    check('audit_log_seq_check', sql`seq >= 1`),
    tenantPolicy('audit_log'),
  ],
);

// One row per tenant: the chain's head (serializes appends with a row lock, and lets verify notice a deleted
// tail) and the tenant's key for pseudonymous actor references.
export const auditHeads = pgTable(
  'audit_heads',
  {
    tenantId: tenantIdColumn()
      .primaryKey()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull().default(0),
    hash: text('hash').notNull(),
    refKey: text('ref_key').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  () => [tenantPolicy('audit_heads')],
);
