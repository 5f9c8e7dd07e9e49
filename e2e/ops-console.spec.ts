import { expect, test, type Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { PASSWORD, signUp, snap, uniqueEmail } from './helpers';

// The operator console: invisible (404) to a visitor and to an organization's owner; an operator granted with the
// platform token (what `npm run admin -- operators add` does on a shell) is sent to enrol in TOTP first, then sees
// the metrics with charts and the organizations, and acts on one.

const PLATFORM_TOKEN = 'e2e-platform-admin-token-0123456789';

async function enrolTotp(page: Page): Promise<void> {
  await page.getByTestId('mfa-enable').click();
  await page.getByLabel('Confirm with your password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByTestId('totp-qr')).toBeVisible();
  const secret = await page.getByTestId('totp-secret').inputValue();
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
  await page.getByLabel('6-digit code from the app').fill(totp.generate());
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByTestId('backup-codes').locator('li')).toHaveCount(10);
  await page.getByRole('button', { name: 'I have saved them' }).click();
}

test('operator console: 404 for others, TOTP first, then metrics, organizations and actions', async ({ page, request }, testInfo) => {
  const user = { name: 'Grace Hopper', email: uniqueEmail('grace') };
  const orgName = `Compilers ${Date.now().toString(36)}`;

  await test.step('a signed-out visitor gets the ordinary 404', async () => {
    const res = await page.goto('/ops');
    expect(res?.status()).toBe(404);
  });

  await test.step('an organization owner gets 404 too', async () => {
    await page.goto('/sign-up');
    await signUp(page, user);
    await expect(page).toHaveURL(/\/onboarding$/);
    await page.getByLabel('Organization name').fill(orgName);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await expect(page).toHaveURL(/\/app$/);
    const res = await page.goto('/ops/tenants');
    expect(res?.status()).toBe(404);
    await snap(page, testInfo, 'ops-01-not-found-for-owner');
  });

  await test.step('granted the operator role, they are sent to enrol in two-factor authentication', async () => {
    const granted = await request.post('/api/platform/operators', { headers: { authorization: `Bearer ${PLATFORM_TOKEN}` }, data: { email: user.email } });
    expect(granted.status()).toBe(200);
    await page.goto('/ops');
    await expect(page).toHaveURL(/\/app\/profile\?required=operator$/);
    await snap(page, testInfo, 'ops-02-enrol-first');
    await enrolTotp(page);
  });

  await test.step('the metrics dashboard with its charts', async () => {
    await page.goto('/ops');
    await expect(page.getByRole('heading', { name: 'Metrics' })).toBeVisible();
    await expect(page.getByTestId('ops-charts').locator('.recharts-surface').first()).toBeVisible();
    await expect(page.getByTestId('ops-months').locator('tbody tr')).toHaveCount(6);
    await snap(page, testInfo, 'ops-03-metrics');
  });

  await test.step('the organizations list, searched', async () => {
    await page.getByRole('navigation', { name: 'Operator console' }).getByRole('link', { name: 'Organizations' }).click();
    await expect(page).toHaveURL(/\/ops\/tenants$/);
    await page.getByLabel('Search organizations').fill(orgName);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByTestId('ops-tenants').locator('tbody tr')).toHaveCount(1);
    await snap(page, testInfo, 'ops-04-organizations');
  });

  await test.step('issue an invoice and mark it paid', async () => {
    await page.getByRole('link', { name: orgName }).click();
    await expect(page.getByRole('heading', { name: orgName })).toBeVisible();
    await page.getByRole('button', { name: "Issue this month's invoice" }).click();
    await expect(page.getByText('Open', { exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Mark paid' }).click();
    await page.getByRole('button', { name: /^Record .* paid$/ }).click();
    await expect(page.getByText('Paid', { exact: true })).toBeVisible();
    await snap(page, testInfo, 'ops-05-organization');
  });

  await test.step('enter the infrastructure cost; the margin follows', async () => {
    await page.getByRole('navigation', { name: 'Operator console' }).getByRole('link', { name: 'Platform' }).click();
    await page.getByLabel('Amount ($)').fill('30');
    await page.getByLabel('Note').fill('Hosting and database');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('ops-infra-costs')).toContainText('$30.00');
    await expect(page.getByTestId('ops-activity')).toContainText('Set the infrastructure cost of');
    await snap(page, testInfo, 'ops-06-platform');
    await page.goto('/ops');
    await expect(page.getByTestId('ops-charts').locator('.recharts-surface').first()).toBeVisible();
    await snap(page, testInfo, 'ops-07-metrics-with-costs');
  });

  await test.step('post an incident, then resolve it', async () => {
    await page.getByRole('navigation', { name: 'Operator console' }).getByRole('link', { name: 'Incidents' }).click();
    await page.getByLabel('Component').fill('documents');
    await page.getByLabel('Title').fill('Slow document processing');
    await page.getByLabel('What we know').fill('Uploads are queued and will be processed.');
    await page.getByRole('button', { name: 'Post incident' }).click();
    const row = page.getByTestId('ops-incidents').locator('tr', { hasText: 'Slow document processing' });
    await expect(row.getByText('Open', { exact: true })).toBeVisible();
    await snap(page, testInfo, 'ops-08-incidents');
    await row.getByRole('button', { name: 'Resolve' }).click();
    await row.getByRole('button', { name: 'Mark resolved' }).click();
    await expect(row.getByText('Resolved', { exact: true })).toBeVisible();
  });
});
