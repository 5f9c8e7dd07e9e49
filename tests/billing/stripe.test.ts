import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as webhookRoute from '@/app/api/billing/stripe/webhook/route';
import * as billingRoute from '@/app/api/v1/billing/route';
import * as checkoutRoute from '@/app/api/v1/billing/checkout/route';
import * as portalRoute from '@/app/api/v1/billing/portal/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { stopLocalRunner } from '@/inngest/local';
import { runBillingClock } from '@/lib/billing/clock';
import { addDays } from '@/lib/billing/plans';
import { getDb } from '@/lib/db/client';
import { auditLog, billingEvents, emailDeliveries } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { resetEnvForTests } from '@/lib/env';
import { startStripeFake, type StripeFake } from '../fakes/stripe-fake';
import { call, provision } from '../helpers/http';
import { addMember } from '../helpers/tenancy';

// Stripe through its real SDK against a wire-format fake, and webhooks signed with Stripe's own helper.

let stripe: StripeFake;
const PRICES = { STRIPE_PRICE_STANDARD: 'price_standard_seat', STRIPE_PRICE_PROFESSIONAL: 'price_pro_seat', STRIPE_PRICE_ENTERPRISE: 'price_ent_seat' };

beforeAll(async () => {
  stripe = await startStripeFake();
  Object.assign(process.env, { STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret, STRIPE_API_BASE: stripe.url, ...PRICES });
  resetEnvForTests();
});

afterAll(async () => {
  for (const name of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_API_BASE', ...Object.keys(PRICES)]) delete process.env[name];
  resetEnvForTests();
  await stripe.close();
  await stopLocalRunner();
});

async function deliver(delivery: { payload: string; signature: string }) {
  return call(webhookRoute.POST, { method: 'POST', path: '/api/billing/stripe/webhook', rawBody: delivery.payload, headers: { 'content-type': 'application/json', 'stripe-signature': delivery.signature } });
}

async function storedEvents(): Promise<number> {
  const [row] = await (await getDb()).select({ n: count() }).from(billingEvents);
  return Number(row?.n ?? 0);
}

async function actions(tenantId: string, action: string): Promise<number> {
  const rows = await withTenant(tenantId, (tx) => tx.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.action, action)));
  return rows.length;
}

// A subscribed organization: checkout through the SDK, then the webhook Stripe sends when the customer pays.
async function subscribe() {
  const org = await provision();
  const key = { apiKey: org.apiKey };
  const checkout = await call(checkoutRoute.POST, { method: 'POST', path: '/api/v1/billing/checkout', as: key });
  expect(checkout.status, JSON.stringify(checkout.body)).toBe(200);
  const sessionId = new URL(checkout.body.url as string).pathname.split('/').pop() ?? '';
  const session = stripe.sessions.get(sessionId);
  if (!session) throw new Error('the fake has no such checkout session');
  const sub = { id: `sub_${sessionId}`, customer: session.customer, itemId: `si_${sessionId}`, quantity: session.quantity, prorations: [] };
  stripe.subscriptions.set(sub.id, sub);
  const done = await deliver(stripe.signedEvent('checkout.session.completed', { id: sessionId, object: 'checkout.session', customer: session.customer, subscription: sub.id }));
  expect(done.body.outcome).toBe('subscribed');
  return { org, key, session, sub };
}

const invoice = (customer: string, id: string, amount = 5_000) => ({ id, object: 'invoice', customer, amount_due: amount, currency: 'usd', period_start: 1_780_000_000, lines: { object: 'list', data: [{ quantity: 1 }] } });

describe('Stripe Checkout and the Customer Portal', () => {
  it('subscribes one seat per member at the plan price, through the SDK with idempotency keys', async () => {
    const { org, key, session } = await subscribe();
    expect(session.price).toBe('price_standard_seat');
    expect(session.quantity).toBe(1);
    expect(session.clientReferenceId).toBe(org.tenantId);
    const created = stripe.requests.filter((r) => r.path === '/v1/customers' || r.path === '/v1/checkout/sessions');
    expect(created.every((r) => typeof r.headers['idempotency-key'] === 'string')).toBe(true);
    const view = await call(billingRoute.GET, { path: '/api/v1/billing', as: key });
    expect(view.body).toMatchObject({ enabled: true, provider: 'stripe', subscribed: true, cardPayments: true, status: 'active' });
    expect((await call(checkoutRoute.POST, { method: 'POST', path: '/api/v1/billing/checkout', as: key })).status).toBe(409);
    const portal = await call(portalRoute.POST, { method: 'POST', path: '/api/v1/billing/portal', as: key });
    expect(portal.status).toBe(200);
    expect(portal.body.url).toContain(`/portal/${session.customer}`);
  });

  it('rides out a 5xx, passes a 429 on with its Retry-After, and answers 503 when Stripe keeps failing', async () => {
    const org = await provision();
    stripe.failNext({ kind: 'server-error' });
    const ok = await call(checkoutRoute.POST, { method: 'POST', path: '/api/v1/billing/checkout', as: { apiKey: org.apiKey } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const limited = await provision();
    stripe.failNext({ kind: 'rate-limit', retryAfterSeconds: 7 });
    const busy = await call(checkoutRoute.POST, { method: 'POST', path: '/api/v1/billing/checkout', as: { apiKey: limited.apiKey } });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('7');
    const other = await provision();
    stripe.failNext({ kind: 'server-error' }, { kind: 'server-error' }, { kind: 'server-error' });
    const down = await call(checkoutRoute.POST, { method: 'POST', path: '/api/v1/billing/checkout', as: { apiKey: other.apiKey } });
    expect(down.status).toBe(503);
    expect(down.body.error.message).toMatch(/try again/);
  });

  it('pushes seat changes to the subscription with prorations', async () => {
    const { org, key, sub } = await subscribe();
    await addMember(key, org.tenantId, 'member');
    await runBillingClock(org.tenantId, new Date());
    expect(sub.quantity).toBe(2);
    expect(sub.prorations).toEqual(['create_prorations']);
    await runBillingClock(org.tenantId, new Date());
    expect(sub.prorations).toHaveLength(1);
    expect(await actions(org.tenantId, 'billing.seatsChanged')).toBe(1);
  });
});

describe('Stripe webhooks', () => {
  it('a failed payment makes the organization past due at once and emails the day-0 notice; payment reactivates it', async () => {
    const { org, key, session } = await subscribe();
    const failed = await deliver(stripe.signedEvent('invoice.payment_failed', invoice(session.customer, 'in_failed_1')));
    expect(failed.body.outcome).toBe('payment_failed');
    expect((await call(billingRoute.GET, { path: '/api/v1/billing', as: key })).body.status).toBe('past_due');
    const notices = await withTenant(org.tenantId, (tx) => tx.select({ id: emailDeliveries.id }).from(emailDeliveries).where(eq(emailDeliveries.template, 'billing-notice')));
    expect(notices).toHaveLength(1);
    // Day 7 without payment: suspended; card payment afterwards lifts it at once.
    expect(await runBillingClock(org.tenantId, addDays(new Date(), 7.1))).toBe('suspended');
    expect((await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'x' }, as: key })).status).toBe(402);
    expect((await call(portalRoute.POST, { method: 'POST', path: '/api/v1/billing/portal', as: key })).status).toBe(200);
    const paid = await deliver(stripe.signedEvent('invoice.paid', invoice(session.customer, 'in_failed_1'), { created: Math.floor(Date.now() / 1000) + 5 }));
    expect(paid.body.outcome).toBe('paid');
    expect((await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'x' }, as: key })).status).toBe(201);
  });

  it('processes a redelivered event once', async () => {
    const { org, session } = await subscribe();
    const event = stripe.signedEvent('invoice.payment_failed', invoice(session.customer, 'in_dup'));
    expect((await deliver(event)).body.outcome).toBe('payment_failed');
    const again = await deliver(event);
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('duplicate:payment_failed');
    expect(await actions(org.tenantId, 'billing.paymentFailed')).toBe(1);
  });

  it('orders by the object’s own time: a late, older "payment failed" never undoes a payment', async () => {
    const { key, session } = await subscribe();
    const now = Math.floor(Date.now() / 1000);
    expect((await deliver(stripe.signedEvent('invoice.paid', invoice(session.customer, 'in_order'), { created: now }))).body.outcome).toBe('paid');
    expect((await deliver(stripe.signedEvent('invoice.payment_failed', invoice(session.customer, 'in_order'), { created: now - 60 }))).body.outcome).toBe('stale');
    expect((await call(billingRoute.GET, { path: '/api/v1/billing', as: key })).body.status).toBe('active');
  });

  it('refuses forged and stale signatures and stores nothing; ignores customers it does not know', async () => {
    const { session } = await subscribe();
    const before = await storedEvents();
    const forged = await deliver(stripe.signedEvent('invoice.paid', invoice(session.customer, 'in_forged'), { secret: 'whsec_not_the_secret' }));
    expect(forged.status).toBe(400);
    const stale = await deliver(stripe.signedEvent('invoice.paid', invoice(session.customer, 'in_stale'), { timestamp: Math.floor(Date.now() / 1000) - 3600 }));
    expect(stale.status).toBe(400);
    const tampered = stripe.signedEvent('invoice.paid', invoice(session.customer, 'in_tampered'));
    expect((await deliver({ payload: tampered.payload.replace('5000', '1'), signature: tampered.signature })).status).toBe(400);
    const unsigned = await call(webhookRoute.POST, { method: 'POST', path: '/api/billing/stripe/webhook', rawBody: tampered.payload });
    expect(unsigned.status).toBe(400);
    const stranger = await deliver(stripe.signedEvent('invoice.payment_failed', invoice('cus_nobody', 'in_stranger')));
    expect(stranger.body.outcome).toBe('unknown_customer');
    expect(await storedEvents()).toBe(before);
  });

  it('is invisible (404) when Stripe is not configured, and checkout says what is missing', async () => {
    const org = await provision();
    const saved = process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_SECRET_KEY;
    resetEnvForTests();
    try {
      const event = stripe.signedEvent('invoice.paid', invoice('cus_x', 'in_x'));
      expect((await deliver(event)).status).toBe(404);
      const checkout = await call(checkoutRoute.POST, { method: 'POST', path: '/api/v1/billing/checkout', as: { apiKey: org.apiKey } });
      expect(checkout.status).toBe(400);
      expect(checkout.body.error.message).toMatch(/STRIPE_SECRET_KEY/);
    } finally {
      process.env.STRIPE_SECRET_KEY = saved;
      resetEnvForTests();
    }
  });
});
