import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn, tenantPolicy } from './helpers';
import { tenants } from './tenancy';

// One counter row per tenant. Incrementing it row-locks it until commit, so a tenant's events commit in seq
// order and a reader that has seen seq N can never later find a smaller one (lib/realtime/outbox.ts).
export const realtimeSequences = pgTable(
  'realtime_sequences',
  {
    tenantId: uuid('tenant_id')
      .primaryKey()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  },
  () => [tenantPolicy('realtime_sequences')],
);

// The per-tenant outbox behind GET /api/v1/events. Written in the transaction of the change it describes;
// retention is bounded (lib/realtime/README.md).
export const realtimeEvents = pgTable(
  'realtime_events',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    // The permission a reader needs to receive the event; null means every member of the tenant.
    permission: text('permission'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'realtime_events_pk', columns: [t.tenantId, t.seq] }),
    index('realtime_events_tenant_created_idx').on(t.tenantId, t.createdAt),
    tenantPolicy('realtime_events'),
  ],
);
