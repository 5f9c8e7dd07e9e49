import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn, tenantPolicy, timestamps } from './helpers';
import { tenants } from './tenancy';

export const BILLING_PROVIDERS = ['manual', 'stripe'] as const;
export const BILLING_STATUSES = ['active', 'past_due', 'suspended'] as const;
export const INVOICE_STATUSES = ['open', 'paid', 'void'] as const;

// One row per organization once it is billed; an organization without a row is active (it predates billing, or
// an operator provisioned it without a plan price).
export const billingAccounts = pgTable(
  'billing_accounts',
  {
    tenantId: tenantIdColumn()
      .primaryKey()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: BILLING_PROVIDERS }).notNull().default('manual'),
    status: text('status', { enum: BILLING_STATUSES }).notNull().default('active'),
    // When the first unpaid invoice failed: the grace period and the reminders count from here.
    pastDueSince: timestamp('past_due_since', { withTimezone: true }),
    suspendedAt: timestamp('suspended_at', { withTimezone: true }),
    // How many dunning reminders went out for the current past-due period (day 0, 3 and 6).
    remindersSent: integer('reminders_sent').notNull().default(0),
    stripeCustomerId: text('stripe_customer_id'),
    stripeSubscriptionId: text('stripe_subscription_id'),
    // The seat count last sent to the Stripe subscription (prorated changes are pushed by the billing clock).
    stripeSeats: integer('stripe_seats'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('billing_accounts_stripe_customer_uq').on(t.stripeCustomerId),
    check('billing_accounts_status_check', sql`status in ('active', 'past_due', 'suspended')`),
    check('billing_accounts_provider_check', sql`provider in ('manual', 'stripe')`),
    tenantPolicy('billing_accounts'),
  ],
);

export const billingInvoices = pgTable(
  'billing_invoices',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    // The month the invoice pays for (prepaid): its first day, UTC.
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    seats: integer('seats').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull().default('usd'),
    status: text('status', { enum: INVOICE_STATUSES }).notNull().default('open'),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    // Set when the due date passed unpaid (the manual provider's "payment failed").
    failedAt: timestamp('failed_at', { withTimezone: true }),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    // Stripe's invoice id, and the creation time of the newest Stripe event applied to it: an older event arriving
    // late (webhooks are not ordered) never overwrites a newer state.
    providerInvoiceId: text('provider_invoice_id'),
    providerEventAt: timestamp('provider_event_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    // One manual invoice per month; Stripe's (prorations included) are keyed by their own id.
    uniqueIndex('billing_invoices_tenant_period_uq').on(t.tenantId, t.periodStart).where(sql`provider_invoice_id is null`),
    uniqueIndex('billing_invoices_provider_uq').on(t.tenantId, t.providerInvoiceId),
    index('billing_invoices_tenant_status_idx').on(t.tenantId, t.status, t.dueAt),
    check('billing_invoices_status_check', sql`status in ('open', 'paid', 'void')`),
    check('billing_invoices_amount_check', sql`amount_cents >= 0 and seats >= 0 and unit_price_cents >= 0`),
    tenantPolicy('billing_invoices'),
  ],
);

// Stripe webhook deliveries, stored once by event id before they are processed: a redelivery is recognised, and an
// event that failed to process can be replayed from here. Platform data (the organization is found from the event),
// reached only through the app_auth path.
export const billingEvents = pgTable(
  'billing_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    tenantId: uuid('tenant_ref').references(() => tenants.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    outcome: text('outcome'),
    // What processing needs (object id, customer, status, amounts), never the whole payload: no personal data here.
    summary: jsonb('summary').notNull(),
  },
  (t) => [index('billing_events_received_idx').on(t.receivedAt), index('billing_events_tenant_idx').on(t.tenantId)],
);
