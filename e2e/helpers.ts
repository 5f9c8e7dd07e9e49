import { expect, type Page, type TestInfo } from '@playwright/test';

export const PASSWORD = 'correct horse battery staple';

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@example.com`;
}

// Screenshot (full page unless told otherwise) into test-results/screenshots/, attached to the report too.
export async function snap(page: Page, testInfo: TestInfo, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  // Let transient UI (toasts, fonts, spinners) settle before capturing.
  await page.waitForLoadState('networkidle');
  await expect(page.locator('.spinner')).toHaveCount(0);
  const path = `test-results/screenshots/${name}.png`;
  await page.screenshot({ path, fullPage: opts.fullPage ?? true, animations: 'disabled' });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

export async function signUp(page: Page, user: { name: string; email: string }): Promise<void> {
  await page.getByLabel('Full name').fill(user.name);
  const email = page.getByLabel('Work email');
  if ((await email.inputValue()) !== user.email) await email.fill(user.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
}

// The newest email to `to` whose subject matches, read from the dev outbox page (/dev/mail) as a developer would, and
// the first link in its text that starts with `prefix`. The email is sent by a pipeline function, so it may take a
// moment to appear.
export async function linkFromDevMail(page: Page, to: string, subject: RegExp, prefix = 'http'): Promise<string> {
  const row = page.getByTestId('dev-mail-row').filter({ hasText: to }).filter({ hasText: subject }).first();
  await expect(async () => {
    await page.goto('/dev/mail');
    await expect(row).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await row.getByRole('link').click();
  const text = (await page.getByTestId('dev-mail-text').textContent()) ?? '';
  const link = text.match(/https?:\/\/\S+/g)?.find((u) => u.startsWith(prefix));
  if (!link) throw new Error(`no ${prefix} link in the email to ${to}:\n${text}`);
  return link;
}
