import { expect, test } from '@playwright/test';
import { startOidcIdp, type OidcIdp } from '../tests/fakes/oidc-idp';
import { startDnsServer } from '../tests/fakes/dns-server';
import { PASSWORD, snap } from './helpers';

const BASE = `http://localhost:${process.env.E2E_PORT ?? 3100}`;
const PLATFORM_TOKEN = 'e2e-platform-admin-token-0123456789';

// An organization sets up single sign-on in the UI (an OpenID Provider running in this process, its domain proven
// through a real DNS lookup against a DNS server in this process), then a new person signs in with SSO from the
// sign-in page and lands in the app as a member created just in time.
let idp: OidcIdp;
let dns: { close: () => Promise<void> };
const records = new Map<string, string[]>();

test.beforeAll(async () => {
  idp = await startOidcIdp({ redirectUris: [`${BASE}/api/sso/oidc/callback`] });
  dns = await startDnsServer(records);
});

test.afterAll(async () => {
  await idp.close();
  await dns.close();
});

test('SSO: an admin connects an OpenID provider and a domain; a new member signs in through it', async ({ browser, request }, testInfo) => {
  const stamp = Date.now().toString(36);
  const domain = `sso-${stamp}.example.test`;
  const ownerEmail = `owner-${stamp}@example.com`;
  const created = await request.post(`${BASE}/api/platform/tenants`, {
    headers: { authorization: `Bearer ${PLATFORM_TOKEN}` },
    data: { name: `Acme ${stamp}`, ownerEmail, ownerPassword: PASSWORD },
  });
  expect(created.status()).toBe(201);

  const admin = await (await browser.newContext()).newPage();
  await test.step('the owner adds an OpenID Connect connection in Settings → Security', async () => {
    await admin.goto('/sign-in');
    await admin.getByLabel('Email').fill(ownerEmail);
    await admin.getByLabel('Password').fill(PASSWORD);
    await admin.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(admin).toHaveURL(/\/app/);
    await admin.goto('/app/settings/security');
    await expect(admin.getByText('No connections yet')).toBeVisible();
    await admin.getByLabel('Name', { exact: true }).fill('Acme IdP');
    await admin.getByLabel('Issuer URL').fill(idp.issuer);
    await admin.getByLabel('Client ID').fill(idp.clientId);
    await admin.getByLabel('Client secret').fill(idp.clientSecret);
    await admin.getByRole('button', { name: 'Add connection' }).click();
    const connection = admin.getByTestId('sso-connection-Acme IdP');
    await expect(connection).toBeVisible();
    await expect(connection.getByTestId('sso-redirect-uri')).toHaveValue(`${BASE}/api/sso/oidc/callback`);
    await snap(admin, testInfo, 'sso-01-connection');
  });

  await test.step('the owner adds the domain and proves it with a DNS TXT record', async () => {
    await admin.getByLabel('Domain', { exact: true }).fill(domain);
    await admin.getByRole('button', { name: 'Add domain' }).click();
    const row = admin.getByTestId(`sso-domain-${domain}`);
    await expect(row).toBeVisible();
    await row.getByRole('button', { name: 'Verify' }).click();
    await expect(row.getByText(/has no reflex-domain-verification TXT record|No TXT record found/)).toBeVisible();
    const value = await row.getByTestId('sso-txt-value').inputValue();
    records.set(`_reflex-challenge.${domain}`, [value]);
    await row.getByRole('button', { name: 'Verify' }).click();
    await expect(row.getByText(`${domain} is verified.`)).toBeVisible();
    await expect(row.getByText('Verified', { exact: true })).toBeVisible();
    await snap(admin, testInfo, 'sso-02-domain-verified');
  });

  await test.step('a new person signs in with SSO from the sign-in page', async () => {
    idp.addUser({ sub: `ada-${stamp}`, email: `ada@${domain}`, email_verified: true, name: 'Ada Lovelace', groups: [] });
    idp.signInAs(`ada-${stamp}`);
    const page = await (await browser.newContext()).newPage();
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();
    await page.getByLabel('Work email').fill(`ada@${domain}`);
    await snap(page, testInfo, 'sso-03-sign-in-with-sso');
    await page.getByRole('button', { name: 'Continue with SSO' }).click();
    await expect(page).toHaveURL(/\/app/);
    const me = await page.request.get('/api/v1/me');
    expect(me.status()).toBe(200);
    expect((await me.json()).user.email).toBe(`ada@${domain}`);
    await snap(page, testInfo, 'sso-04-signed-in');
  });

  await test.step('a refused sign-in lands on a clear error page', async () => {
    idp.addUser({ sub: `eve-${stamp}`, email: `eve@${domain}`, email_verified: false, name: 'Eve', groups: [] });
    idp.signInAs(`eve-${stamp}`);
    const page = await (await browser.newContext()).newPage();
    await page.goto('/sign-in?sso=1');
    await page.getByLabel('Work email').fill(`eve@${domain}`);
    await page.getByRole('button', { name: 'Continue with SSO' }).click();
    await expect(page).toHaveURL(/\/sso\/error\?reason=email_unverified/);
    await expect(page.getByRole('heading', { name: "Single sign-on didn't work" })).toBeVisible();
    await expect(page.getByText('Your identity provider says your email address is not verified.')).toBeVisible();
    await snap(page, testInfo, 'sso-05-error');
  });
});
