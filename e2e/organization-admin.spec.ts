import { expect, test } from '@playwright/test';
import { signUp, snap, uniqueEmail } from './helpers';

// An owner runs their organization from the browser: rename it, set retention, connect Slack alerts, export its
// data and download the archive, then delete it through the confirmation flow.
test('organization settings: rename, retention, Slack alerts, export with progress and download, deletion', async ({ page }, testInfo) => {
  const orgName = `Harbor Labs ${Date.now().toString(36)}`;
  await page.goto('/sign-up');
  await signUp(page, { name: 'Grace Hopper', email: uniqueEmail('grace') });
  await expect(page).toHaveURL(/\/onboarding$/);
  await page.getByLabel('Organization name').fill(orgName);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page).toHaveURL(/\/app$/);

  await test.step('the sidebar leads to the organization page', async () => {
    await page.getByRole('link', { name: 'Organization', exact: true }).click();
    await expect(page).toHaveURL(/\/app\/settings\/organization$/);
    await expect(page.getByRole('heading', { name: 'Organization', exact: true }).first()).toBeVisible();
    await expect(page.getByText('No exports in the last 7 days.')).toBeVisible();
    await snap(page, testInfo, 'org-01-settings');
  });

  const renamed = `${orgName} Group`;
  await test.step('rename, retention and Slack are saved', async () => {
    await page.getByLabel('Name', { exact: true }).fill(renamed);
    await page.getByRole('button', { name: 'Save' }).first().click();
    await expect(page.getByText('Organization renamed')).toBeVisible();
    await expect(page.locator('header.topbar')).toContainText(renamed);
    await page.getByLabel('Delete documents after').selectOption({ label: '90 days' });
    await page.locator('form').filter({ has: page.getByLabel('Delete documents after') }).getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Documents older than 90 days will be deleted')).toBeVisible();

    const webhook = page.getByLabel('Webhook URL');
    await webhook.fill('https://example.com/not-slack');
    await page.locator('form').filter({ has: webhook }).getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText(/hooks\.slack\.com/).last()).toBeVisible();
    await webhook.fill('https://hooks.slack.com/services/T000/B000/XXXX');
    await page.locator('form').filter({ has: webhook }).getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Connected', { exact: true })).toBeVisible();
  });

  await test.step('an export of the organization shows its progress, then downloads', async () => {
    await page.getByRole('button', { name: 'Export the whole organization' }).click();
    const row = page.getByTestId('export-row').first();
    await expect(row).toContainText('Whole organization');
    await expect(row.getByRole('link', { name: 'Download' })).toBeVisible({ timeout: 60_000 });
    await expect(row).toContainText('Ready');
    await snap(page, testInfo, 'org-02-export-ready');
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^reflex-export-tenant-.*\.ndjson$/);
  });

  await test.step('deleting needs the name typed, then the organization is gone', async () => {
    await page.getByRole('button', { name: 'Delete organization…' }).click();
    const confirm = page.getByRole('button', { name: 'Delete this organization forever' });
    await expect(confirm).toBeDisabled();
    await page.getByLabel(/to confirm/).fill('something else');
    await expect(confirm).toBeDisabled();
    await page.getByLabel(/to confirm/).fill(renamed);
    await snap(page, testInfo, 'org-03-delete-confirm', { fullPage: false });
    await confirm.click();
    await expect(page).toHaveURL(/\/onboarding$/);
  });
});
