import { expect, test } from '@playwright/test';
import { linkFromDevMail, PASSWORD, signUp, snap, uniqueEmail } from './helpers';

test('owner signs up, creates an organization, invites a teammate and creates a working API key', async ({ page, browser, request }, testInfo) => {
  const owner = { name: 'Ada Lovelace', email: uniqueEmail('ada') };
  const invitee = { name: 'Grace Hopper', email: uniqueEmail('grace') };
  const orgName = `Analytical Engines ${Date.now().toString(36)}`;

  await test.step('landing page', async () => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('documents into answers');
    await snap(page, testInfo, '01-landing');
  });

  await test.step('sign up', async () => {
    await page.getByRole('link', { name: 'Create account' }).first().click();
    await expect(page).toHaveURL(/\/sign-up$/);
    await page.getByLabel('Full name').fill(owner.name);
    await page.getByLabel('Work email').fill(owner.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await snap(page, testInfo, '02-sign-up');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page).toHaveURL(/\/onboarding$/);
  });

  await test.step('create the organization', async () => {
    await expect(page.getByRole('heading', { name: 'Welcome, Ada' })).toBeVisible();
    await page.getByLabel('Organization name').fill(orgName);
    await snap(page, testInfo, '03-onboarding');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await expect(page).toHaveURL(/\/app$/);
    await expect(page.getByTestId('org-switcher')).toContainText(orgName);
    await expect(page.getByRole('heading', { name: 'Welcome, Ada' })).toBeVisible();
    await snap(page, testInfo, '04-dashboard');
  });

  let inviteLink = '';
  await test.step('invite a teammate', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Members' }).click();
    await expect(page).toHaveURL(/\/app\/members$/);
    await expect(page.getByTestId('member-row')).toHaveCount(1);
    await page.getByLabel('Email address').fill(invitee.email);
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Member' });
    await page.getByRole('button', { name: 'Create invitation' }).click();
    const link = page.getByTestId('invite-link');
    await expect(link).toHaveValue(/\/invite\//);
    inviteLink = await link.inputValue();
    expect(inviteLink.startsWith(`${testInfo.project.use.baseURL}/invite/`)).toBe(true);
    await expect(page.getByTestId('invitation-row')).toContainText(invitee.email);
    await snap(page, testInfo, '05-members-invited');
  });

  await test.step('the invitee signs up from the link and accepts', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const other = await context.newPage();
    await other.goto(inviteLink);
    const preview = other.getByTestId('invite-preview');
    await expect(preview).toContainText(orgName);
    await expect(preview).toContainText('Member');
    await snap(other, testInfo, '06-invite-signed-out');

    await other.getByRole('link', { name: 'Create account' }).click();
    await expect(other).toHaveURL(/\/sign-up\?next=/);
    await expect(other.getByLabel('Work email')).toHaveValue(invitee.email);
    await signUp(other, invitee);
    await expect(other).toHaveURL(/\/invite\//);
    // Only a verified address joins: the link in the verification email leads back to the invitation.
    const verifyLink = await linkFromDevMail(other, invitee.email, /Confirm your email address/, 'http://localhost:3100/api/auth/verify-email');
    await other.goto(verifyLink);
    await expect(other.getByTestId('email-verified')).toBeVisible();
    await other.getByRole('link', { name: 'Continue' }).click();
    await expect(other).toHaveURL(/\/invite\//);
    const accept = other.getByRole('button', { name: `Accept and join ${orgName}` });
    await expect(accept).toBeVisible();
    await snap(other, testInfo, '07-invite-signed-in');
    await accept.click();
    await expect(other).toHaveURL(/\/app$/);
    await expect(other.getByTestId('org-switcher')).toContainText(orgName);
    await snap(other, testInfo, '08-invitee-dashboard');

    // A Member holds members:read but not members:manage: the list shows, the management controls do not.
    await other.goto('/app/members');
    await expect(other.getByTestId('member-row')).toHaveCount(2);
    await expect(other.getByRole('button', { name: 'Create invitation' })).toHaveCount(0);
    await expect(other.getByRole('button', { name: 'Remove' })).toHaveCount(0);
    await context.close();
  });

  await test.step('the owner sees both members, also on a phone', async () => {
    await page.reload();
    await expect(page.getByTestId('member-row')).toHaveCount(2);
    await expect(page.getByTestId('member-row').filter({ hasText: invitee.email })).toContainText('Member');
    await snap(page, testInfo, '09-members');

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      storageState: await page.context().storageState(),
    });
    const mobile = await phone.newPage();
    await mobile.goto('/app/members');
    await expect(mobile.getByTestId('member-row')).toHaveCount(2);
    await snap(mobile, testInfo, '10-members-mobile');
    await mobile.getByRole('button', { name: 'Open navigation' }).click();
    await expect(mobile.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'API keys' })).toBeVisible();
    await snap(mobile, testInfo, '11-mobile-navigation', { fullPage: false });
    await phone.close();
  });

  await test.step('roles', async () => {
    await page.goto('/app/roles');
    await expect(page.getByTestId('role-card')).toHaveCount(4);
    await page.getByRole('button', { name: 'New role' }).click();
    await page.getByLabel('Name').fill('Analyst');
    await page.getByLabel('Description').fill('Reads documents and usage');
    await page.getByRole('checkbox', { name: /documents:read/ }).check();
    await page.getByRole('checkbox', { name: /usage:read/ }).check();
    await page.getByRole('button', { name: 'Create role' }).click();
    await expect(page.getByTestId('role-card')).toHaveCount(5);
    await snap(page, testInfo, '12-roles');
  });

  let secret = '';
  await test.step('create an API key and copy its secret', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'API keys' }).click();
    await expect(page.getByText('No API keys yet')).toBeVisible();
    await page.getByRole('button', { name: 'New API key' }).first().click();
    await page.getByLabel('Name').fill('CRM sync');
    await page.getByLabel('Expires').selectOption({ label: '30 days' });
    await page.getByRole('button', { name: 'Select all' }).click();
    await snap(page, testInfo, '13-api-key-form');
    await page.getByRole('button', { name: 'Create key' }).click();
    const field = page.getByTestId('api-key-secret');
    await expect(field).toHaveValue(/^rfx_/);
    secret = await field.inputValue();
    await expect(page.getByTestId('api-key-row')).toHaveCount(1);
    await expect(page.getByTestId('api-key-row')).toContainText('Active');
    await snap(page, testInfo, '14-api-key-created');
  });

  await test.step('the key authenticates against the API', async () => {
    const res = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${secret}` } });
    expect(res.status()).toBe(200);
    const me = await res.json();
    expect(me.kind).toBe('apiKey');
    expect(me.tenant.name).toBe(orgName);
    expect(me.apiKey.name).toBe('CRM sync');
    expect(me.permissions).toContain('tenant:manage');
  });

  await test.step('the list shows when the key was last used', async () => {
    await page.getByRole('button', { name: 'I have stored it safely' }).click();
    await expect(page.getByTestId('api-key-created')).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId('api-key-row')).not.toContainText('Never');
  });

  await test.step('create a second organization and switch back', async () => {
    const secondOrg = `Difference Engines ${Date.now().toString(36)}`;
    await page.getByTestId('org-switcher').click();
    await page.getByRole('menuitem', { name: 'Create organization' }).click();
    await expect(page.getByRole('heading', { name: 'Create an organization' })).toBeVisible();
    await page.getByLabel('Organization name').fill(secondOrg);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await expect(page).toHaveURL(/\/app$/);
    await expect(page.getByTestId('org-switcher')).toContainText(secondOrg);
    await page.getByTestId('org-switcher').click();
    await expect(page.getByRole('menuitem')).toHaveCount(3);
    await snap(page, testInfo, '15-org-switcher');
    await page.getByRole('menuitem', { name: new RegExp(orgName) }).click();
    await expect(page.getByTestId('org-switcher')).toContainText(orgName);
  });

  await test.step('sign out, then sign back in', async () => {
    await page.getByTestId('user-menu').click();
    await snap(page, testInfo, '16-user-menu');
    await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.goto('/app/members');
    await expect(page).toHaveURL(/\/sign-in\?next=/);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // Back to the page that asked for the sign-in, not the dashboard.
    await expect(page).toHaveURL(/\/app\/members$/);
    // A new session starts without an active organization; the app selects one of the user's own.
    await expect(page.getByTestId('org-switcher')).toContainText(/Analytical Engines|Difference Engines/);
  });
});

test('sign-in explains a wrong password', async ({ page }, testInfo) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(uniqueEmail('nobody'));
  await page.getByLabel('Password').fill('definitely wrong password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.locator('.alert-error')).toContainText('Wrong email or password');
  await snap(page, testInfo, '17-sign-in-error');
});

test('an unknown invitation link says so', async ({ page }) => {
  await page.goto('/invite/this-token-does-not-exist-0123456789');
  await expect(page.getByRole('heading', { name: 'Invitation not found' })).toBeVisible();
});

test('pages behind sign-in send visitors to sign in and back', async ({ page }) => {
  await page.goto('/app/members');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fapp|\/sign-in\?next=\/app/);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });

  test('the landing and sign-up pages fit the screen', async ({ page }, testInfo) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await snap(page, testInfo, '18-landing-mobile');
    await page.getByRole('link', { name: 'Create account' }).first().click();
    await expect(page.getByLabel('Full name')).toBeVisible();
    await snap(page, testInfo, '19-sign-up-mobile');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
