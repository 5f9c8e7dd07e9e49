import { expect, test } from '@playwright/test';
import { snap } from './helpers';

// playwright.config.ts gives the server this token.
const PLATFORM_TOKEN = process.env.E2E_PLATFORM_ADMIN_TOKEN ?? 'e2e-platform-admin-token-0123456789';

test('the public status page shows platform health and nothing of any tenant', async ({ page, request }, testInfo) => {
  const name = `Zebra Quartz Holdings ${Date.now().toString(36)}`;
  const ownerEmail = `zebra-quartz-${Date.now().toString(36)}@example.com`;
  const provisioned = await request.post('/api/platform/tenants', {
    headers: { authorization: `Bearer ${PLATFORM_TOKEN}` },
    data: { name, ownerEmail, plan: 'enterprise' },
  });
  expect(provisioned.status()).toBe(201);
  const { tenant } = (await provisioned.json()) as { tenant: { id: string; slug: string } };

  await page.goto('/status');
  await expect(page.getByRole('heading', { level: 1, name: 'Reflex status' })).toBeVisible();
  await expect(page.getByText('All systems operational')).toBeVisible();
  const database = page.locator('[data-component="database"]');
  await expect(database).toContainText('Database');
  await expect(database).toHaveAttribute('data-status', 'up');
  await expect(page.getByRole('heading', { name: /Past incidents/ })).toBeVisible();
  await snap(page, testInfo, 'status-page');

  const html = await page.content();
  for (const secret of [name, 'Zebra', tenant.id, tenant.slug, ownerEmail]) expect(html).not.toContain(secret);

  const api = await request.get('/api/status');
  expect(api.status()).toBe(200);
  const json = await api.text();
  for (const secret of [name, tenant.id, tenant.slug, ownerEmail]) expect(json).not.toContain(secret);
});
