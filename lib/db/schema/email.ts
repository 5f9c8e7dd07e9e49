import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn, tenantPolicy, timestamps } from './helpers';
import { invitations, tenants } from './tenancy';

export const EMAIL_TEMPLATES = ['verify-email', 'reset-password', 'change-email', 'invitation', 'billing-notice'] as const;
export const EMAIL_STATUSES = ['queued', 'retrying', 'sent', 'failed'] as const;

// What support needs to answer "did the email go out?", and nothing that would let anyone act on it: the
// recipient only as a keyed hash (lib/email/recipient.ts), never the link, the token or the body.
const deliveryColumns = {
  id: uuid('id').primaryKey().defaultRandom(),
  template: text('template', { enum: EMAIL_TEMPLATES }).notNull(),
  recipientHash: text('recipient_hash').notNull(),
  status: text('status', { enum: EMAIL_STATUSES }).notNull().default('queued'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  providerMessageId: text('provider_message_id'),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  ...timestamps,
};

// Emails sent on behalf of an organization (invitations): tenant data, under RLS like every tenant table.
export const emailDeliveries = pgTable(
  'email_deliveries',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    ...deliveryColumns,
    invitationId: uuid('invitation_id').references(() => invitations.id, { onDelete: 'cascade' }),
  },
  (t) => [
    index('email_deliveries_tenant_created_idx').on(t.tenantId, t.createdAt),
    index('email_deliveries_invitation_idx').on(t.tenantId, t.invitationId),
    check('email_deliveries_status_check', sql`status in ('queued', 'retrying', 'sent', 'failed')`),
    tenantPolicy('email_deliveries'),
  ],
);

// Emails about an account (verify, reset, change of address) belong to no organization: platform data, reached
// only as app_auth through lib/email/deliveries.ts, like better-auth's own tables.
export const accountEmailDeliveries = pgTable(
  'account_email_deliveries',
  deliveryColumns,
  (t) => [
    index('account_email_deliveries_recipient_idx').on(t.recipientHash, t.createdAt),
    check('account_email_deliveries_status_check', sql`status in ('queued', 'retrying', 'sent', 'failed')`),
  ],
);
