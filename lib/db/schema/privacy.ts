import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { user } from './auth';
import { tenantIdColumn, tenantPolicy, timestamps } from './helpers';
import { tenants } from './tenancy';

export const PRIVACY_EXPORT_SCOPES = ['me', 'tenant'] as const;
export const PRIVACY_EXPORT_STATUSES = ['queued', 'building', 'ready', 'failed'] as const;

// A GDPR data export (lib/privacy/export*.ts): built section by section by inngest/functions/privacy/build-export.ts
// into one blob, readable by its requester until expires_at.
export const privacyExports = pgTable(
  'privacy_exports',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    scope: text('scope', { enum: PRIVACY_EXPORT_SCOPES }).notNull(),
    // The person who asked, and whose data a 'me' export holds. Erasing them removes their exports.
    requestedBy: uuid('requested_by')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    status: text('status', { enum: PRIVACY_EXPORT_STATUSES }).notNull().default('queued'),
    sectionsDone: integer('sections_done').notNull().default(0),
    sectionsTotal: integer('sections_total').notNull(),
    itemCount: integer('item_count').notNull().default(0),
    blobKey: text('blob_key'),
    sizeBytes: integer('size_bytes'),
    error: text('error'),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    ...timestamps,
  },
  (t) => [
    check('privacy_exports_scope_check', sql`scope in ('me', 'tenant')`),
    check('privacy_exports_status_check', sql`status in ('queued', 'building', 'ready', 'failed')`),
    index('privacy_exports_tenant_created_idx').on(t.tenantId, t.createdAt),
    index('privacy_exports_requested_by_idx').on(t.requestedBy),
    tenantPolicy('privacy_exports'),
  ],
);
