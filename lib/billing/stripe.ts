import Stripe from 'stripe';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAuditEvent } from '@/lib/audit/record';
import { billingAccounts, memberships, tenants, type PLANS } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { getEnv, type Env } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import { logger } from '@/lib/log';

type Plan = (typeof PLANS)[number];

const PRICE_ENV: Record<Plan, keyof Env> = {
  standard: 'STRIPE_PRICE_STANDARD',
  professional: 'STRIPE_PRICE_PROFESSIONAL',
  enterprise: 'STRIPE_PRICE_ENTERPRISE',
};

export const redirectSchema = z.object({ url: z.url() }).meta({ id: 'BillingRedirect' });

const holder = globalThis as typeof globalThis & {
  __reflexStripe?: { key: string; base: string; client: Stripe };
};

/** The Stripe client when STRIPE_SECRET_KEY is set, else null (billing is manual). */
export function stripeClient(): Stripe | null {
  const env = getEnv();
  if (!env.STRIPE_SECRET_KEY) return null;
  const base = env.STRIPE_API_BASE ?? '';
  if (holder.__reflexStripe?.key !== env.STRIPE_SECRET_KEY || holder.__reflexStripe.base !== base) {
    const url = base ? new URL(base) : null;
    const client = new Stripe(env.STRIPE_SECRET_KEY, {
      maxNetworkRetries: 2,
      timeout: 10_000,
      telemetry: false,
      ...(url
        ? {
            host: url.hostname,
            port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
            protocol: url.protocol === 'https:' ? 'https' : 'http',
          }
        : {}),
    });
    holder.__reflexStripe = { key: env.STRIPE_SECRET_KEY, base, client };
  }
  return holder.__reflexStripe.client;
}

// Stripe's SDK retries 5xx and connection errors itself (with idempotency keys). A 429 it does not retry: our caller
// gets 503 with Stripe's Retry-After, as does a Stripe that keeps failing; a refused request is a configuration
// problem, logged with Stripe's words.
async function callStripe<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeError)) throw err;
    logger.warn('stripe call failed', { what, type: err.type, status: err.statusCode ?? null, message: err.message });
    if (err.statusCode === undefined || err.statusCode === 429 || err.statusCode >= 500) {
      const retryAfter = err.headers?.['retry-after'];
      throw new AppError('unavailable', 'The payment provider is not answering right now; try again in a minute', {
        headers: { 'Retry-After': typeof retryAfter === 'string' && /^\d{1,4}$/.test(retryAfter) ? retryAfter : '60' },
      });
    }
    throw new AppError('bad_request', `The payment provider refused: ${err.message}`);
  }
}

function requireStripe(): Stripe {
  const stripe = stripeClient();
  if (!stripe)
    throw new AppError(
      'bad_request',
      'Card payments are not configured on this server (STRIPE_SECRET_KEY); your invoices are handled by your account manager',
    );
  return stripe;
}

function priceFor(plan: Plan): string {
  const price = getEnv()[PRICE_ENV[plan]];
  if (typeof price !== 'string') throw new AppError('bad_request', `Card payments are not set up for the ${plan} plan (${PRICE_ENV[plan]})`);
  return price;
}

async function seatCount(tx: Tx): Promise<number> {
  return (await tx.select({ id: memberships.id }).from(memberships)).length;
}

// A short tenant transaction: Stripe is called between two of them, never inside one (on the embedded database a
// transaction holds the only connection, so a slow API call would stall every tenant).
export type InTenant = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

const billingActor = { type: 'system' as const, id: 'billing', label: null };

async function snapshot(tx: Tx) {
  const [tenant] = await tx.select({ id: tenants.id, name: tenants.name, plan: tenants.plan }).from(tenants).limit(1);
  if (!tenant) throw new AppError('not_found', 'Organization not found');
  const [account] = await tx.select().from(billingAccounts).limit(1);
  return { tenant, account: account ?? null, seats: await seatCount(tx) };
}

/** A Stripe Checkout session subscribing the organization: one seat per active member at its plan's price. */
export async function createCheckout(inTenant: InTenant, appUrl: string): Promise<z.infer<typeof redirectSchema>> {
  const stripe = requireStripe();
  const { tenant, account, seats } = await inTenant(snapshot);
  if (account?.stripeSubscriptionId) throw new AppError('conflict', 'This organization already has a subscription: manage it in the billing portal');
  const price = priceFor(tenant.plan);
  let customer = account?.stripeCustomerId ?? null;
  if (!customer) {
    // The idempotency key makes a retried or concurrent first checkout reuse the same customer.
    customer = (
      await callStripe('create customer', () =>
        stripe.customers.create({ name: tenant.name, metadata: { tenantId: tenant.id } }, { idempotencyKey: `customer-${tenant.id}` }),
      )
    ).id;
    const id = customer;
    await inTenant((tx) =>
      tx
        .insert(billingAccounts)
        .values({
          tenantId: tenant.id,
          provider: 'stripe',
          stripeCustomerId: id,
        })
        .onConflictDoUpdate({
          target: billingAccounts.tenantId,
          set: {
            provider: 'stripe',
            stripeCustomerId: id,
            updatedAt: new Date(),
          },
        }),
    );
  }
  const back = `${appUrl}/app/settings/organization`;
  const session = await callStripe('create checkout session', () =>
    stripe.checkout.sessions.create(
      {
        mode: 'subscription',
        customer,
        client_reference_id: tenant.id,
        line_items: [{ price, quantity: seats }],
        subscription_data: { metadata: { tenantId: tenant.id } },
        metadata: { tenantId: tenant.id },
        success_url: `${back}?billing=subscribed#billing`,
        cancel_url: `${back}#billing`,
      },
      {
        idempotencyKey: `checkout-${tenant.id}-${seats}-${Math.floor(Date.now() / 60_000)}`,
      },
    ),
  );
  if (!session.url) throw new AppError('unavailable', 'Stripe did not return a checkout page; try again');
  return { url: session.url };
}

/** Stripe's Customer Portal (cards, invoices, cancellation) for an organization that pays by card. */
export async function createPortal(inTenant: InTenant, appUrl: string): Promise<z.infer<typeof redirectSchema>> {
  const stripe = requireStripe();
  const { account } = await inTenant(snapshot);
  if (!account?.stripeCustomerId) throw new AppError('bad_request', 'Subscribe first: the billing portal opens once the organization pays by card');
  const customer = account.stripeCustomerId;
  const session = await callStripe('create portal session', () =>
    stripe.billingPortal.sessions.create({
      customer,
      return_url: `${appUrl}/app/settings/organization#billing`,
    }),
  );
  return { url: session.url };
}

/**
 * Seats follow membership: when the count differs from what the subscription was last told, Stripe gets the new
 * quantity with prorations (charged or credited on the next invoice). Run by the billing clock.
 */
export async function syncStripeSeats(inTenant: InTenant): Promise<number | null> {
  const stripe = stripeClient();
  const { account, seats } = await inTenant(snapshot);
  if (!stripe || !account?.stripeSubscriptionId || account.status === 'suspended' || seats === account.stripeSeats) return null;
  const subscriptionId = account.stripeSubscriptionId;
  const subscription = await callStripe('read subscription', () => stripe.subscriptions.retrieve(subscriptionId));
  const item = subscription.items.data[0];
  if (!item) return null;
  await callStripe('update seats', () =>
    stripe.subscriptions.update(
      subscriptionId,
      {
        items: [{ id: item.id, quantity: seats }],
        proration_behavior: 'create_prorations',
      },
      {
        idempotencyKey: `seats-${subscriptionId}-${account.stripeSeats ?? 'none'}-${seats}`,
      },
    ),
  );
  await inTenant(async (tx) => {
    await tx.update(billingAccounts).set({ stripeSeats: seats, updatedAt: new Date() }).where(eq(billingAccounts.tenantId, account.tenantId));
    await recordAuditEvent(tx, {
      action: 'billing.seatsChanged',
      actor: billingActor,
      target: { type: 'billing', id: account.tenantId },
      metadata: { from: account.stripeSeats, to: seats },
    });
  });
  return seats;
}
