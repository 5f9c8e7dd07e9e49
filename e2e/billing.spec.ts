import { expect, test } from '@playwright/test';
import { startStripeFake, type StripeFake } from '../tests/fakes/stripe-fake';
import { signUp, snap, uniqueEmail } from './helpers';
import { E2E_STRIPE } from './fakes-e2e';

// An owner subscribes by card through (a wire-format fake of) Stripe Checkout; a renewal payment fails, the grace
// banner appears, the organization is suspended on day 7 (a simulated billing clock) and comes back the moment the
// invoice is paid.

const PLATFORM = { authorization: 'Bearer e2e-platform-admin-token-0123456789' };
let stripe: StripeFake;

test.beforeAll(async ({}, testInfo) => {
  stripe = await startStripeFake(E2E_STRIPE);
  stripe.setWebhookTarget(`${testInfo.project.use.baseURL ?? ''}/api/billing/stripe/webhook`);
});

test.afterAll(async () => {
  await stripe.close();
});

test('billing: subscribe by card, a failed payment, grace banner, suspension, reactivation on payment', async ({ page, request }, testInfo) => {
  await page.goto('/sign-up');
  await signUp(page, { name: 'Ada Lovelace', email: uniqueEmail('ada') });
  await expect(page).toHaveURL(/\/onboarding$/);
  await page.getByLabel('Organization name').fill(`Analytical Engines ${Date.now().toString(36)}`);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page).toHaveURL(/\/app$/);
  const me = await page.request.get('/api/v1/me');
  const tenantId: string = (await me.json()).tenant.id;

  await test.step('subscribe through Checkout', async () => {
    await page.goto('/app/settings/organization#billing');
    await expect(page.getByText('Subscribe by card to start your plan.')).toBeVisible();
    await snap(page, testInfo, 'billing-01-not-subscribed');
    await page.getByRole('button', { name: 'Subscribe by card' }).click();
    await expect(page).toHaveURL(new RegExp(`127\\.0\\.0\\.1:${E2E_STRIPE.port}/checkout/`));
    await expect(page.getByRole('heading', { name: 'Pay for 1 seat(s)' })).toBeVisible();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect(page).toHaveURL(/\/app\/settings\/organization\?billing=subscribed/);
    await expect(page.getByRole('button', { name: 'Manage cards and invoices' })).toBeVisible();
    await snap(page, testInfo, 'billing-02-subscribed');
  });

  const customer = [...stripe.sessions.values()].find((s) => s.completed)?.customer ?? '';
  const renewal = { id: `in_renewal_${Date.now()}`, object: 'invoice', customer, amount_due: 5_000, currency: 'usd', period_start: Math.floor(Date.now() / 1000), lines: { object: 'list', data: [{ quantity: 1 }] } };

  await test.step('the renewal payment fails: every page shows the grace banner', async () => {
    const failed = stripe.signedEvent('invoice.payment_failed', renewal);
    const res = await request.post('/api/billing/stripe/webhook', { headers: { 'content-type': 'application/json', 'stripe-signature': failed.signature }, data: failed.payload });
    expect(res.status()).toBe(200);
    expect((await res.json()).outcome).toBe('payment_failed');
    await page.goto('/app/tasks');
    await expect(page.getByText('Payment overdue')).toBeVisible();
    await snap(page, testInfo, 'billing-03-past-due-banner');
  });

  await test.step('day 7 without payment: suspended, read-only', async () => {
    const at = new Date(Date.now() + 8 * 24 * 60 * 60 * 1000).toISOString();
    const run = await request.post('/api/platform/billing/run', { headers: PLATFORM, data: { tenantId, at } });
    expect((await run.json()).statuses[tenantId]).toBe('suspended');
    await page.goto('/app/settings/organization#billing');
    await expect(page.getByText('Organization suspended')).toBeVisible();
    await expect(page.getByText('Suspended for an unpaid invoice')).toBeVisible();
    const write = await page.request.post('/api/v1/tasks', { data: { title: 'Refused while suspended' }, headers: { origin: new URL(page.url()).origin } });
    expect(write.status()).toBe(402);
    await snap(page, testInfo, 'billing-04-suspended');
  });

  await test.step('payment arrives: active again at once', async () => {
    const paid = stripe.signedEvent('invoice.paid', renewal, { created: Math.floor(Date.now() / 1000) + 10 });
    const res = await request.post('/api/billing/stripe/webhook', { headers: { 'content-type': 'application/json', 'stripe-signature': paid.signature }, data: paid.payload });
    expect(res.status()).toBe(200);
    expect((await res.json()).outcome).toBe('paid');
    // The page is already at this address (a same-document navigation would not reload it).
    await page.reload();
    await expect(page.getByRole('button', { name: 'Manage cards and invoices' })).toBeVisible();
    await expect(page.getByText('Organization suspended')).toHaveCount(0);
    await expect(page.getByTestId('invoice-row').first()).toContainText('Paid');
    await snap(page, testInfo, 'billing-05-reactivated');
  });
});
