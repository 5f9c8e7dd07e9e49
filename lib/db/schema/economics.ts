import { sql } from 'drizzle-orm';
import { bigint, check, date, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { user } from './auth';
import { tenantIdColumn, tenantPolicy } from './helpers';
import { tenants } from './tenancy';

// Requests served per organization and UTC day, for cost allocation (lib/economics/request-counter.ts). Counted in
// process and flushed in batches through reflex_add_request_counts(): never one write per request. A tenant table
// (RLS) for reads; the batch upsert is the named SECURITY DEFINER path, since one flush spans many tenants.
export const tenantRequestCounts = pgTable(
  'tenant_request_counts',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    requests: bigint('requests', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ name: 'tenant_request_counts_pk', columns: [t.tenantId, t.day] }), check('tenant_request_counts_requests_check', sql`requests >= 0`), tenantPolicy('tenant_request_counts')],
);

// Platform data: the month's infrastructure bill (hosting, database, storage, bandwidth), entered by operators in
// /ops and allocated to organizations by their share of requests and storage (lib/economics/allocate.ts).
export const platformInfraCosts = pgTable(
  'platform_infra_costs',
  {
    // First day of the month (UTC).
    month: date('month', { mode: 'string' }).primaryKey(),
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
    note: text('note').notNull().default(''),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedBy: text('updated_by').notNull(),
  },
  () => [check('platform_infra_costs_amount_check', sql`amount_cents >= 0`)],
);

// Platform administrators (the /ops console), granted by `npm run admin -- operators add`. Reached as app_auth.
export const platformOperators = pgTable('platform_operators', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => user.id, { onDelete: 'cascade' }),
  grantedAt: timestamp('granted_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  grantedBy: text('granted_by').notNull(),
});

// Platform-wide operator actions (incidents, maintenance, infrastructure costs, operator grants): append-only for
// the app (SELECT and INSERT only). Actions on one organization go to that organization's own audit log instead.
export const platformOperatorActions = pgTable(
  'platform_operator_actions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    // Who: the operator's email at the time (the user row may be erased later), or 'cli' for the admin script.
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    summary: text('summary').notNull(),
    metadata: jsonb('metadata').$type<Record<string, string | number | boolean | null>>().notNull().default({}),
  },
  (t) => [index('platform_operator_actions_at_idx').on(t.at)],
);
