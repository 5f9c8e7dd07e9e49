import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const INCIDENT_STATUSES = ['open', 'resolved'] as const;
export const INCIDENT_KINDS = ['dependency_down', 'pipeline_failures', 'manual'] as const;

// Platform data, not tenant data: no tenant_id, shown on the public /status page, so nothing tenant-specific
// may go into title or detail. Reached through the platform path (app_auth), never from a tenant transaction.
export const platformIncidents = pgTable(
  'platform_incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    component: text('component').notNull(),
    kind: text('kind', { enum: INCIDENT_KINDS }).notNull(),
    status: text('status', { enum: INCIDENT_STATUSES }).notNull().default('open'),
    title: text('title').notNull(),
    detail: text('detail').notNull().default(''),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    check('platform_incidents_status_check', sql`status in ('open', 'resolved')`),
    check('platform_incidents_kind_check', sql`kind in ('dependency_down', 'pipeline_failures', 'manual')`),
    // Several instances may notice the same outage at once: at most one open incident per component and kind.
    uniqueIndex('platform_incidents_one_open_uq').on(t.component, t.kind).where(sql`status = 'open'`),
    index('platform_incidents_started_idx').on(t.startedAt),
  ],
);

// Operator switches shared by every instance (maintenance mode, ...), one row per key, value validated by the
// owning module.
export const platformSettings = pgTable('platform_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<Record<string, unknown>>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
