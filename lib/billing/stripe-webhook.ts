import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAuditEvent } from '@/lib/audit/record';
import { getDb } from '@/lib/db/client';
import { billingAccounts, billingEvents, billingInvoices, memberships } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import { logger } from '@/lib/log';
import { reactivateIfSettled } from './accounts';
import { runBillingClock } from './clock';
import { addDays, INVOICE_NET_DAYS } from './plans';
import { stripeClient } from './stripe';

// Stripe retries for three days; five minutes is Stripe's own default tolerance for the signature's timestamp.
const SIGNATURE_TOLERANCE_SECONDS = 300;
const billingActor = { type: 'system' as const, id: 'stripe', label: null };

const HANDLED = ['checkout.session.completed', 'invoice.paid', 'invoice.payment_succeeded', 'invoice.payment_failed', 'customer.subscription.deleted'] as const;
type Handled = (typeof HANDLED)[number];

// Only what processing needs, checked like any other input: the signature proves Stripe sent it, not its shape.
const objectSchema = z.object({
  id: z.string().max(255),
  customer: z.string().max(255).nullish(),
  subscription: z.union([z.string().max(255), z.object({ id: z.string().max(255) })]).nullish(),
  amount_due: z.number().int().nonnegative().nullish(),
  currency: z.string().max(10).nullish(),
  period_start: z.number().int().nullish(),
  due_date: z.number().int().nullish(),
  lines: z.object({ data: z.array(z.object({ quantity: z.number().int().nullish() })) }).nullish(),
});
type StripeObject = z.infer<typeof objectSchema>;

export const webhookResultSchema = z.object({ received: z.literal(true), outcome: z.string() }).meta({ id: 'StripeWebhookResult' });
export type WebhookResult = z.infer<typeof webhookResultSchema>;

async function tenantForCustomer(customer: string): Promise<string | null> {
  const rows = await queryRows<{ tenant_id: string }>(await getDb(), sql`select tenant_id from reflex_billing_tenant_for_customer(${customer})`);
  return rows[0]?.tenant_id ?? null;
}

function subscriptionId(object: StripeObject): string | null {
  const s = object.subscription;
  return typeof s === 'string' ? s : (s?.id ?? null);
}

// An invoice's state as of this event. Webhooks arrive in any order: an event older than the one already applied
// to the invoice changes nothing (a late "payment failed" never undoes a payment).
async function applyInvoice(tx: Tx, tenantId: string, object: StripeObject, at: Date, paid: boolean): Promise<string> {
  const [existing] = await tx.select().from(billingInvoices).where(eq(billingInvoices.providerInvoiceId, object.id)).limit(1);
  if (existing?.providerEventAt && existing.providerEventAt.getTime() >= at.getTime()) return 'stale';
  const seats = object.lines?.data.reduce((n, l) => n + (l.quantity ?? 0), 0) ?? 0;
  const amount = object.amount_due ?? 0;
  const values = {
    status: paid ? ('paid' as const) : ('open' as const),
    paidAt: paid ? at : null,
    failedAt: paid ? (existing?.failedAt ?? null) : (existing?.failedAt ?? at),
    providerEventAt: at,
    updatedAt: new Date(),
  };
  if (existing) {
    await tx.update(billingInvoices).set(values).where(eq(billingInvoices.id, existing.id));
  } else {
    const periodStart = new Date((object.period_start ?? Math.floor(at.getTime() / 1000)) * 1000).toISOString().slice(0, 10);
    await tx.insert(billingInvoices).values({
      tenantId,
      periodStart,
      seats,
      unitPriceCents: seats > 0 ? Math.round(amount / seats) : amount,
      amountCents: amount,
      currency: object.currency ?? 'usd',
      issuedAt: at,
      dueAt: object.due_date ? new Date(object.due_date * 1000) : addDays(at, INVOICE_NET_DAYS),
      providerInvoiceId: object.id,
      ...values,
    });
  }
  await recordAuditEvent(tx, { action: paid ? 'billing.invoicePaid' : 'billing.paymentFailed', actor: billingActor, target: { type: 'invoice', id: object.id }, metadata: { amountCents: amount } });
  if (paid) {
    await reactivateIfSettled(tx, tenantId, 'stripe');
    return 'paid';
  }
  const [moved] = await tx
    .update(billingAccounts)
    .set({ status: 'past_due', pastDueSince: at, remindersSent: 0, updatedAt: new Date() })
    .where(eq(billingAccounts.status, 'active'))
    .returning({ tenantId: billingAccounts.tenantId });
  if (moved) await recordAuditEvent(tx, { action: 'billing.pastDue', actor: billingActor, target: { type: 'billing', id: tenantId } });
  return 'payment_failed';
}

async function applyEvent(tx: Tx, tenantId: string, type: Handled, object: StripeObject, at: Date): Promise<string> {
  switch (type) {
    case 'checkout.session.completed': {
      const seats = (await tx.select({ id: memberships.id }).from(memberships)).length;
      await tx
        .update(billingAccounts)
        .set({ provider: 'stripe', stripeSubscriptionId: subscriptionId(object), stripeSeats: seats, updatedAt: new Date() })
        .where(eq(billingAccounts.tenantId, tenantId));
      await recordAuditEvent(tx, { action: 'billing.subscribed', actor: billingActor, target: { type: 'billing', id: tenantId }, metadata: { seats } });
      return 'subscribed';
    }
    case 'invoice.paid':
    case 'invoice.payment_succeeded':
      return applyInvoice(tx, tenantId, object, at, true);
    case 'invoice.payment_failed':
      return applyInvoice(tx, tenantId, object, at, false);
    case 'customer.subscription.deleted':
      await tx.update(billingAccounts).set({ stripeSubscriptionId: null, stripeSeats: null, updatedAt: new Date() }).where(eq(billingAccounts.stripeSubscriptionId, object.id));
      await recordAuditEvent(tx, { action: 'billing.subscriptionEnded', actor: billingActor, target: { type: 'billing', id: tenantId } });
      return 'subscription_ended';
  }
}

const isHandled = (type: string): type is Handled => (HANDLED as readonly string[]).includes(type);

/**
 * POST /api/billing/stripe/webhook. The signature is checked against the raw body first; the event is then stored
 * once by its id, processed in the organization's own transaction, and marked processed. A redelivery of a processed
 * event answers 200 and does nothing; an event that could not be processed answers 500 so that Stripe retries it.
 */
export async function receiveStripeWebhook(rawBody: string, signature: string | null): Promise<WebhookResult> {
  const secret = getEnv().STRIPE_WEBHOOK_SECRET;
  const stripe = stripeClient();
  if (!secret || !stripe) throw new AppError('not_found', 'Not found');
  if (!signature) throw new AppError('bad_request', 'Missing Stripe-Signature header');
  let event: { id: string; type: string; created: number; data: { object: unknown } };
  try {
    event = await stripe.webhooks.constructEventAsync(rawBody, signature, secret, SIGNATURE_TOLERANCE_SECONDS);
  } catch (err) {
    logger.warn('stripe webhook refused: bad signature', { error: err instanceof Error ? err.message : String(err) });
    throw new AppError('bad_request', 'Invalid Stripe signature');
  }
  if (!isHandled(event.type)) return { received: true, outcome: 'ignored' };
  const parsed = objectSchema.safeParse(event.data.object);
  if (!parsed.success || !parsed.data.customer) {
    logger.warn('stripe webhook: unexpected object shape', { eventId: event.id, type: event.type });
    return { received: true, outcome: 'unreadable' };
  }
  const object = parsed.data;
  const customer = parsed.data.customer;
  const tenantId = await tenantForCustomer(customer);
  if (!tenantId) {
    logger.warn('stripe webhook: no organization for this customer', { eventId: event.id, type: event.type });
    return { received: true, outcome: 'unknown_customer' };
  }
  const db = await getDb();
  const at = new Date(event.created * 1000);
  await db
    .insert(billingEvents)
    .values({ id: event.id, type: event.type, tenantId, createdAt: at, summary: { object: object.id, customer, amountDue: object.amount_due ?? null } })
    .onConflictDoNothing();
  const [stored] = await db.select({ processedAt: billingEvents.processedAt, outcome: billingEvents.outcome }).from(billingEvents).where(eq(billingEvents.id, event.id)).limit(1);
  if (stored?.processedAt) return { received: true, outcome: `duplicate:${stored.outcome ?? ''}` };
  const type = event.type;
  const outcome = await withTenant(tenantId, (tx) => applyEvent(tx, tenantId, type, object, at));
  await db.update(billingEvents).set({ processedAt: new Date(), outcome }).where(eq(billingEvents.id, event.id));
  // Day-0 notice (and a suspension or reactivation email) now, not at the next hourly run.
  if (outcome === 'payment_failed') await runBillingClock(tenantId, new Date());
  return { received: true, outcome };
}
