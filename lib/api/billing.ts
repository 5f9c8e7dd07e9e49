import { z } from 'zod';
import { billingViewSchema, invoiceSchema, issueInvoiceSchema } from '@/lib/billing/accounts';
import { redirectSchema } from '@/lib/billing/stripe';
import { webhookResultSchema } from '@/lib/billing/stripe-webhook';
import { defineOperation } from '@/lib/http/operation';
import { idParams } from './common';

export const getBillingOp = defineOperation({
  id: 'getBilling',
  method: 'GET',
  path: '/api/v1/billing',
  summary: "The organization's plan, seats, price per seat, billing status (active, past_due, suspended) and invoices",
  tag: 'billing',
  auth: 'tenant',
  permission: 'settings:manage',
  response: billingViewSchema,
});

export const getTenantBillingOp = defineOperation({
  id: 'getTenantBillingAsOperator',
  method: 'GET',
  path: '/api/platform/tenants/{id}/billing',
  summary: "Operators: a tenant's billing status, seats and invoices",
  tag: 'platform',
  auth: 'platform',
  params: idParams,
  response: billingViewSchema,
});

export const issueInvoiceOp = defineOperation({
  id: 'issueInvoiceAsOperator',
  method: 'POST',
  path: '/api/platform/tenants/{id}/invoices',
  summary:
    "Operators (manual billing): start billing a tenant if it is not yet billed and issue this month's invoice, or " +
    "next month's (period=next: a prepayment). Seats are the active members now; due in 7 days. 409 when that month's invoice exists.",
  tag: 'platform',
  auth: 'platform',
  params: idParams,
  body: issueInvoiceSchema,
  response: invoiceSchema,
  status: 201,
});

export const payInvoiceOp = defineOperation({
  id: 'payInvoiceAsOperator',
  method: 'POST',
  path: '/api/platform/tenants/{id}/invoices/{invoiceId}/pay',
  summary: 'Operators (manual billing): mark an invoice paid. A past-due or suspended tenant with nothing else overdue is active again at once.',
  tag: 'platform',
  auth: 'platform',
  params: z.strictObject({ id: z.uuid(), invoiceId: z.uuid() }),
  response: billingViewSchema,
});

export const startCheckoutOp = defineOperation({
  id: 'startBillingCheckout',
  method: 'POST',
  path: '/api/v1/billing/checkout',
  summary:
    'Subscribe by card: a Stripe Checkout page for one seat per active member at the plan price (redirect the browser to `url`). ' +
    '400 when card payments are not configured on this server; 409 when a subscription exists (use the portal).',
  tag: 'billing',
  auth: 'tenant',
  permission: 'settings:manage',
  // Paying is how a suspended organization gets back.
  whenSuspended: 'allow',
  response: redirectSchema,
});

export const openPortalOp = defineOperation({
  id: 'openBillingPortal',
  method: 'POST',
  path: '/api/v1/billing/portal',
  summary: "Stripe's Customer Portal for cards and invoices (redirect the browser to `url`)",
  tag: 'billing',
  auth: 'tenant',
  permission: 'settings:manage',
  whenSuspended: 'allow',
  response: redirectSchema,
});

export const stripeWebhookOp = defineOperation({
  id: 'receiveStripeWebhook',
  method: 'POST',
  path: '/api/billing/stripe/webhook',
  summary:
    "Stripe's webhook (checkout.session.completed, invoice.paid, invoice.payment_failed, customer.subscription.deleted), " +
    'verified with STRIPE_WEBHOOK_SECRET; each event is processed once. 404 when Stripe is not configured, 400 for a bad signature.',
  tag: 'billing',
  auth: 'none',
  response: webhookResultSchema,
});

export const runBillingClockSchema = z.strictObject({
  tenantId: z.uuid().optional(),
  // A simulated time: accepted only when BILLING_CLOCK_SIMULATION=1 (staging drills, end-to-end tests).
  at: z.iso.datetime().optional(),
});

export const runBillingClockOp = defineOperation({
  id: 'runBillingClockAsOperator',
  method: 'POST',
  path: '/api/platform/billing/run',
  summary:
    'Operators: run the billing clock now (invoices, due dates, reminders, suspension, seat sync) for one tenant or all billed tenants, ' +
    'e.g. after a webhook outage. `at` simulates a time and needs BILLING_CLOCK_SIMULATION=1.',
  tag: 'platform',
  auth: 'platform',
  body: runBillingClockSchema,
  response: z.object({ statuses: z.record(z.string(), z.string()) }),
});
