import { expect, test, type Browser, type Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { linkFromDevMail, PASSWORD, signUp, snap, uniqueEmail } from './helpers';

const BASE = 'http://localhost:3100';

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  return context.newPage();
}

async function signUpWithOrganization(page: Page, user: { name: string; email: string }, orgName: string): Promise<void> {
  await page.goto('/sign-up');
  await signUp(page, user);
  await expect(page).toHaveURL(/\/onboarding$/);
  await page.getByLabel('Organization name').fill(orgName);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page).toHaveURL(/\/app$/);
}

test('forgot password: the emailed link resets the password, then the new one signs in', async ({ browser }, testInfo) => {
  const user = { name: 'Rosalind Franklin', email: uniqueEmail('rosalind') };
  const newPassword = 'a much better passphrase';
  const page = await freshPage(browser);

  await test.step('an account with an unverified address sees the verify-email screen', async () => {
    await signUpWithOrganization(page, user, `Photo 51 ${Date.now().toString(36)}`);
    await page.goto('/verify-email');
    await expect(page.getByRole('heading', { name: 'Confirm your email address' })).toBeVisible();
    await expect(page.getByText(user.email)).toBeVisible();
    await snap(page, testInfo, 'id-01-verify-email');
    await page.context().clearCookies();
  });

  await test.step('ask for a reset link from the sign-in page', async () => {
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await page.getByLabel('Email').fill(user.email);
    await snap(page, testInfo, 'id-02-forgot-password');
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await expect(page.getByTestId('reset-requested')).toContainText(user.email);
    await snap(page, testInfo, 'id-03-reset-requested');
  });

  await test.step('the email arrives in the dev outbox; its link opens the reset screen', async () => {
    const link = await linkFromDevMail(page, user.email, /Reset your .* password/, `${BASE}/api/auth/reset-password/`);
    await snap(page, testInfo, 'id-04-dev-mail-message');
    await page.goto('/dev/mail');
    await snap(page, testInfo, 'id-05-dev-mail-list');
    await page.goto(link);
    await expect(page).toHaveURL(/\/reset-password\?token=/);
    await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
    await snap(page, testInfo, 'id-06-reset-password');
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Repeat the new password').fill(newPassword);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect(page.getByTestId('reset-done')).toBeVisible();
    await snap(page, testInfo, 'id-07-reset-done');
  });

  await test.step('the old password no longer works; the new one does', async () => {
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByText('Wrong email or password.')).toBeVisible();
    await page.getByLabel('Password').fill(newPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page).toHaveURL(/\/app$/);
  });
  await page.context().close();
});

test('two-factor: enrol with an authenticator, sign out, sign in with a code; the organization then requires it', async ({ browser }, testInfo) => {
  const user = { name: 'Katherine Johnson', email: uniqueEmail('katherine') };
  const page = await freshPage(browser);
  let totp: OTPAuth.TOTP | null = null;
  const code = () => {
    if (!totp) throw new Error('not enrolled yet');
    return totp.generate();
  };

  await test.step('enrol on the profile page', async () => {
    await signUpWithOrganization(page, user, `Trajectories ${Date.now().toString(36)}`);
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Profile and security' }).click();
    await expect(page).toHaveURL(/\/app\/profile$/);
    await expect(page.getByTestId('session-row')).toHaveCount(1);
    await snap(page, testInfo, 'id-08-profile');
    await page.getByTestId('mfa-enable').click();
    await page.getByLabel('Confirm with your password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByTestId('totp-qr')).toBeVisible();
    const secret = await page.getByTestId('totp-secret').inputValue();
    totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
    await snap(page, testInfo, 'id-09-mfa-scan');
    await page.getByLabel('6-digit code from the app').fill(code());
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expect(page.getByTestId('backup-codes').locator('li')).toHaveCount(10);
    await snap(page, testInfo, 'id-10-backup-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await expect(page.getByText('A code from your authenticator app is asked for at every sign-in.')).toBeVisible();
  });

  await test.step('sign out, then sign in: the password alone is not enough', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
    await snap(page, testInfo, 'id-11-sign-in-code');
    await page.getByLabel('Authentication code').fill('000000');
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await expect(page.getByText('That code is not right.')).toBeVisible();
    await page.getByLabel('Authentication code').fill(code());
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await expect(page).toHaveURL(/\/app$/);
  });

  await test.step('Settings → Security: require two-factor authentication for everyone', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Security' }).click();
    await expect(page).toHaveURL(/\/app\/settings\/security$/);
    await page.getByRole('radio', { name: /Required for everyone/ }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Security settings saved')).toBeVisible();
    await snap(page, testInfo, 'id-12-security-settings');
  });

  await test.step('members: two-factor status and a resendable invitation', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Members' }).click();
    // The security page has its own "email address" checkbox: wait for the members page before filling in.
    await expect(page).toHaveURL(/\/app\/members$/);
    await page.getByLabel('Email address', { exact: true }).fill(uniqueEmail('dorothy'));
    await page.getByRole('button', { name: 'Create invitation' }).click();
    await expect(page.getByTestId('invitation-row')).toHaveCount(1);
    await expect(page.getByTestId('member-row')).toContainText('2FA');
    await page.getByTestId('invitation-row').getByRole('button', { name: 'Resend' }).click();
    await page.getByRole('button', { name: 'Send a new link' }).click();
    await expect(page.getByText(/Invitation sent again/)).toBeVisible();
    await page.reload();
    await expect(page.getByTestId('invitation-row')).toContainText('Sent');
    await snap(page, testInfo, 'id-13-members-invitations');
  });
  await page.context().close();
});
