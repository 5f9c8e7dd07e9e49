import { expect, test } from '@playwright/test';
import { startAsanaFake, type AsanaFake } from '../tests/fakes/asana-fake';
import { E2E_ASANA } from './fakes-e2e';
import { signUp, snap, uniqueEmail } from './helpers';

// An owner connects Asana through its OAuth pages (a wire-format fake of Asana on a fixed port), sees the
// connection's status, and disconnects it. Slack and Google Drive have no credentials on this server, and their
// cards say which variables to set.

let asana: AsanaFake;

test.beforeAll(async () => {
  asana = await startAsanaFake({ port: E2E_ASANA.port });
});

test.afterAll(async () => {
  await asana.close();
});

test('integrations: connect Asana through OAuth, see its status, disconnect', async ({ page }, testInfo) => {
  await page.goto('/sign-up');
  await signUp(page, { name: 'Katherine Johnson', email: uniqueEmail('katherine') });
  await expect(page).toHaveURL(/\/onboarding$/);
  await page.getByLabel('Organization name').fill(`Langley ${Date.now().toString(36)}`);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page).toHaveURL(/\/app$/);

  await test.step('the page lists every provider and says what an unconfigured one needs', async () => {
    await page.getByRole('link', { name: 'Integrations', exact: true }).click();
    await expect(page).toHaveURL(/\/app\/settings\/integrations$/);
    await expect(page.getByTestId('provider-slack')).toContainText('SLACK_CLIENT_ID');
    await expect(page.getByTestId('provider-google-drive')).toContainText('GOOGLE_CLIENT_ID');
    await expect(page.getByTestId('provider-asana')).toContainText('Not connected');
    await snap(page, testInfo, 'integrations-01-providers');
  });

  await test.step('connect: Asana’s consent page sends the browser back, and the connection shows', async () => {
    await page.locator('section.card').filter({ has: page.getByTestId('provider-asana') }).getByRole('link', { name: 'Connect' }).click();
    await expect(page).toHaveURL(/\/app\/settings\/integrations\?connected=asana/);
    await expect(page.getByText('Asana is connected')).toBeVisible();
    const row = page.getByTestId('connection-asana');
    await expect(row).toContainText(asana.user.name);
    await expect(row).toContainText('Connected');
    await snap(page, testInfo, 'integrations-02-connected');
  });

  await test.step('disconnect: tokens go at once, the row says so', async () => {
    const row = page.getByTestId('connection-asana');
    await row.getByRole('button', { name: 'Disconnect' }).click();
    await expect(page.getByTestId('disconnect-panel')).toBeVisible();
    await page.getByTestId('disconnect-panel').getByRole('button', { name: 'Disconnect', exact: true }).click();
    await expect(row).toContainText('Disconnected');
    await expect(row.getByRole('link', { name: 'Reconnect' })).toBeVisible();
    await snap(page, testInfo, 'integrations-03-disconnected');
  });
});
