import { and, asc, count, desc, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAuditEvent } from '@/lib/audit/record';
import { billingAccounts, billingInvoices, BILLING_PROVIDERS, BILLING_STATUSES, INVOICE_STATUSES, memberships, roles, tenants, user } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { getDb } from '@/lib/db/client';
import type { Tx } from '@/lib/db/types';
import { queueTenantEmail, type QueuedEmail } from '@/lib/email/request';
import { getEnv } from '@/lib/env';
import { AppError, notFound } from '@/lib/http/errors';
import { decideDunning, type NoticeStage } from './dunning';
import { GRACE_DAYS, INVOICE_NET_DAYS, SEAT_PRICE_CENTS, addDays, formatCents, monthStart } from './plans';

export const invoiceSchema = z
  .object({
    id: z.uuid(),
    periodStart: z.iso.date(),
    seats: z.number().int(),
    unitPriceCents: z.number().int(),
    amountCents: z.number().int(),
    currency: z.string(),
    status: z.enum(INVOICE_STATUSES),
    overdue: z.boolean(),
    issuedAt: z.iso.datetime(),
    dueAt: z.iso.datetime(),
    paidAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Invoice' });

export const billingViewSchema = z
  .object({
    enabled: z.boolean(),
    provider: z.enum(BILLING_PROVIDERS).nullable(),
    // Whether this server can take card payments (Stripe configured): the UI offers Checkout and the portal.
    cardPayments: z.boolean(),
    subscribed: z.boolean(),
    status: z.enum(BILLING_STATUSES),
    plan: z.string(),
    seatPriceCents: z.number().int(),
    seats: z.number().int(),
    monthlyCents: z.number().int(),
    pastDueSince: z.iso.datetime().nullable(),
    suspendOn: z.iso.datetime().nullable(),
    suspendedAt: z.iso.datetime().nullable(),
    invoices: z.array(invoiceSchema),
  })
  .meta({ id: 'Billing' });
export type BillingView = z.infer<typeof billingViewSchema>;

const actorOf = (by: string) => ({ type: 'system' as const, id: by, label: null });

async function countSeats(tx: Tx): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(memberships);
  return Number(row?.n ?? 0);
}

async function tenantRow(tx: Tx) {
  const [row] = await tx.select({ id: tenants.id, name: tenants.name, plan: tenants.plan }).from(tenants).limit(1);
  if (!row) throw notFound('Organization');
  return row;
}

async function accountRow(tx: Tx) {
  const [row] = await tx.select().from(billingAccounts).limit(1);
  return row ?? null;
}

export async function getBillingView(tx: Tx, now = new Date()): Promise<BillingView> {
  const tenant = await tenantRow(tx);
  const account = await accountRow(tx);
  const seats = await countSeats(tx);
  const price = SEAT_PRICE_CENTS[tenant.plan];
  const invoices = await tx.select().from(billingInvoices).orderBy(desc(billingInvoices.periodStart)).limit(24);
  return {
    enabled: account !== null,
    provider: account?.provider ?? null,
    cardPayments: Boolean(getEnv().STRIPE_SECRET_KEY),
    subscribed: Boolean(account?.stripeSubscriptionId),
    status: account?.status ?? 'active',
    plan: tenant.plan,
    seatPriceCents: price,
    seats,
    monthlyCents: seats * price,
    pastDueSince: account?.pastDueSince?.toISOString() ?? null,
    suspendOn: account?.status === 'past_due' && account.pastDueSince ? addDays(account.pastDueSince, GRACE_DAYS).toISOString() : null,
    suspendedAt: account?.suspendedAt?.toISOString() ?? null,
    invoices: invoices.map((i) => ({
      id: i.id,
      periodStart: i.periodStart,
      seats: i.seats,
      unitPriceCents: i.unitPriceCents,
      amountCents: i.amountCents,
      currency: i.currency,
      status: i.status,
      overdue: i.status === 'open' && i.dueAt.getTime() <= now.getTime(),
      issuedAt: i.issuedAt.toISOString(),
      dueAt: i.dueAt.toISOString(),
      paidAt: i.paidAt?.toISOString() ?? null,
    })),
  };
}

export const issueInvoiceSchema = z.strictObject({
  // 'next' is a prepayment: next month's invoice, issued now.
  period: z.enum(['current', 'next']).default('current'),
});

/** Starts billing an organization (manual provider) if it is not yet billed, and issues the month's invoice. */
export async function issueInvoice(tx: Tx, input: z.infer<typeof issueInvoiceSchema>, by: string, now = new Date()): Promise<z.infer<typeof invoiceSchema>> {
  const tenant = await tenantRow(tx);
  const inserted = await tx.insert(billingAccounts).values({ tenantId: tenant.id }).onConflictDoNothing().returning({ tenantId: billingAccounts.tenantId });
  if (inserted.length > 0) {
    await recordAuditEvent(tx, { action: 'billing.enabled', actor: actorOf(by), target: { type: 'billing', id: tenant.id }, metadata: { provider: 'manual' } });
  }
  const [account] = await tx.select({ provider: billingAccounts.provider }).from(billingAccounts).limit(1);
  if (account?.provider === 'stripe') throw new AppError('conflict', 'This organization pays by card: Stripe issues its invoices');
  const periodStart = monthStart(now, input.period === 'next' ? 1 : 0);
  const seats = await countSeats(tx);
  const unitPriceCents = SEAT_PRICE_CENTS[tenant.plan];
  const [invoice] = await tx
    .insert(billingInvoices)
    .values({ tenantId: tenant.id, periodStart, seats, unitPriceCents, amountCents: seats * unitPriceCents, issuedAt: now, dueAt: addDays(now, INVOICE_NET_DAYS) })
    .onConflictDoNothing()
    .returning();
  if (!invoice) throw new AppError('conflict', `An invoice for the month starting ${periodStart} already exists`);
  await recordAuditEvent(tx, {
    action: 'billing.invoiceIssued',
    actor: actorOf(by),
    target: { type: 'invoice', id: invoice.id },
    metadata: { periodStart, seats, amountCents: invoice.amountCents },
  });
  return (await getBillingView(tx, now)).invoices.find((i) => i.id === invoice.id) ?? invoiceSchema.parse(invoice);
}

/** A paid invoice's consequence: active again at once, unless another invoice is still overdue. Audited when it changes. */
export async function reactivateIfSettled(tx: Tx, tenantId: string, by: string): Promise<void> {
  const [stillOverdue] = await tx
    .select({ id: billingInvoices.id })
    .from(billingInvoices)
    .where(and(eq(billingInvoices.status, 'open'), isNotNull(billingInvoices.failedAt)))
    .limit(1);
  if (stillOverdue) return;
  const [changed] = await tx
    .update(billingAccounts)
    .set({ status: 'active', pastDueSince: null, suspendedAt: null, remindersSent: 0, updatedAt: new Date() })
    .where(sql`${billingAccounts.status} <> 'active'`)
    .returning({ tenantId: billingAccounts.tenantId });
  if (changed) await recordAuditEvent(tx, { action: 'billing.reactivated', actor: actorOf(by), target: { type: 'billing', id: tenantId }, metadata: { reason: 'paid' } });
}

/** The manual provider's payment: an operator marks the invoice paid. Reactivates at once when nothing else is overdue. */
export async function payInvoice(tx: Tx, invoiceId: string, by: string, now = new Date()): Promise<BillingView> {
  const [invoice] = await tx
    .update(billingInvoices)
    .set({ status: 'paid', paidAt: now, updatedAt: now })
    .where(and(eq(billingInvoices.id, invoiceId), eq(billingInvoices.status, 'open')))
    .returning();
  if (!invoice) {
    const [existing] = await tx.select({ status: billingInvoices.status }).from(billingInvoices).where(eq(billingInvoices.id, invoiceId)).limit(1);
    if (!existing) throw notFound('Invoice');
    throw new AppError('conflict', `This invoice is already ${existing.status}`);
  }
  await recordAuditEvent(tx, { action: 'billing.invoicePaid', actor: actorOf(by), target: { type: 'invoice', id: invoice.id }, metadata: { amountCents: invoice.amountCents } });
  await reactivateIfSettled(tx, invoice.tenantId, by);
  return getBillingView(tx, now);
}

async function billingRecipients(tx: Tx): Promise<string[]> {
  // Owners, and whoever else may manage settings: the people who can act on an invoice.
  const rows = await tx
    .select({ email: user.email })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .innerJoin(user, eq(user.id, memberships.userId))
    .where(sql`${roles.key} = 'owner' or 'settings:manage' = any(${roles.permissions})`)
    .orderBy(asc(user.email))
    .limit(20);
  return rows.map((r) => r.email);
}

async function queueNotices(tx: Tx, tenant: { id: string; name: string }, stage: NoticeStage, suspendOn: Date): Promise<QueuedEmail[]> {
  const [overdue] = await tx
    .select({ cents: sql<string>`coalesce(sum(${billingInvoices.amountCents}), 0)` })
    .from(billingInvoices)
    .where(and(eq(billingInvoices.status, 'open'), isNotNull(billingInvoices.failedAt)));
  const amount = formatCents(Number(overdue?.cents ?? 0));
  const url = `${(getEnv().APP_URL ?? 'http://localhost:3000').replace(/\/$/, '')}/app/settings/organization#billing`;
  const out: QueuedEmail[] = [];
  for (const to of await billingRecipients(tx)) {
    out.push(await queueTenantEmail(tx, tenant.id, { template: 'billing-notice', to, brand: tenant.name, stage, amount, suspendOn: suspendOn.toISOString(), url }));
  }
  return out;
}

/**
 * One organization's billing clock at `now`: invoices past their due date fail (the organization becomes past due),
 * then the grace period's reminders and, on day 7, the suspension. Idempotent: running it twice at the same `now`
 * changes nothing the second time. Emails are returned, to be sent once the transaction has committed.
 */
export async function advanceBilling(tx: Tx, now: Date): Promise<{ status: string; emails: QueuedEmail[] }> {
  const account = await accountRow(tx);
  if (!account) return { status: 'active', emails: [] };
  const tenant = await tenantRow(tx);
  const failed = await tx
    .update(billingInvoices)
    .set({ failedAt: now, updatedAt: now })
    .where(and(eq(billingInvoices.status, 'open'), isNull(billingInvoices.failedAt), lte(billingInvoices.dueAt, now)))
    .returning({ id: billingInvoices.id });
  for (const f of failed) {
    await recordAuditEvent(tx, { action: 'billing.paymentFailed', actor: actorOf('billing'), target: { type: 'invoice', id: f.id } });
  }
  let state = { status: account.status, pastDueSince: account.pastDueSince, remindersSent: account.remindersSent };
  if (failed.length > 0 && state.status === 'active') {
    state = { status: 'past_due', pastDueSince: now, remindersSent: 0 };
    await tx.update(billingAccounts).set({ status: 'past_due', pastDueSince: now, remindersSent: 0, updatedAt: now });
    await recordAuditEvent(tx, { action: 'billing.pastDue', actor: actorOf('billing'), target: { type: 'billing', id: tenant.id } });
  }
  const decision = decideDunning(state, now);
  const emails: QueuedEmail[] = [];
  if (decision.suspend && state.status === 'past_due') {
    await tx.update(billingAccounts).set({ status: 'suspended', suspendedAt: now, updatedAt: now });
    await recordAuditEvent(tx, { action: 'billing.suspended', actor: actorOf('billing'), target: { type: 'billing', id: tenant.id }, metadata: { graceDays: GRACE_DAYS } });
    emails.push(...(await queueNotices(tx, tenant, 'suspended', decision.suspendOn ?? now)));
    return { status: 'suspended', emails };
  }
  if (decision.notice && decision.notice !== 'suspended' && decision.suspendOn) {
    await tx.update(billingAccounts).set({ remindersSent: decision.remindersSent, updatedAt: now });
    emails.push(...(await queueNotices(tx, tenant, decision.notice, decision.suspendOn)));
  }
  return { status: state.status, emails };
}

/** Organizations the billing clock must look at (platform path: a named SECURITY DEFINER lookup of ids only). */
export async function tenantsToBill(): Promise<string[]> {
  const rows = await queryRows<{ tenant_id: string }>(await getDb(), sql`select tenant_id from reflex_billing_tenants()`);
  return rows.map((r) => r.tenant_id);
}

/** The month's invoice of a billed organization, issued by the billing clock on the first hour it runs in the month. */
export async function ensureMonthInvoice(tx: Tx, now: Date): Promise<void> {
  const account = await accountRow(tx);
  if (!account || account.provider !== 'manual') return;
  const [existing] = await tx.select({ id: billingInvoices.id }).from(billingInvoices).where(eq(billingInvoices.periodStart, monthStart(now))).limit(1);
  if (!existing) await issueInvoice(tx, { period: 'current' }, 'billing', now);
}

export const billingNoticeSchema = z.object({
  status: z.enum(BILLING_STATUSES),
  suspendOn: z.iso.datetime().nullable(),
});

/** What every member sees in the app's banner: past due (with the suspension date) or suspended. */
export async function getBillingNotice(tx: Tx): Promise<z.infer<typeof billingNoticeSchema>> {
  const account = await accountRow(tx);
  if (!account || account.status === 'active') return { status: 'active', suspendOn: null };
  const suspendOn = account.status === 'past_due' && account.pastDueSince ? addDays(account.pastDueSince, GRACE_DAYS).toISOString() : null;
  return { status: account.status, suspendOn };
}
