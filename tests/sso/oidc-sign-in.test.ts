import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as auditRoute from '@/app/api/v1/audit/route';
import * as meRoute from '@/app/api/v1/me/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as securityRoute from '@/app/api/v1/settings/security/route';
import * as connectionRoute from '@/app/api/v1/settings/sso/connections/[id]/route';
import * as domainRoute from '@/app/api/v1/settings/sso/domains/[id]/route';
import * as domainsRoute from '@/app/api/v1/settings/sso/domains/route';
import { getAuth } from '@/lib/auth/auth';
import { resetEnvForTests } from '@/lib/env';
import { withTenant } from '@/lib/db/tenant';
import { setQuotaOverrides } from '@/lib/quotas';
import { BASE, call, provision, signIn, signUp } from '../helpers/http';
import { addMember, roleIdsOf } from '../helpers/tenancy';
import { browse, createOidcConnection, randomDomain, REDIRECT_URI, replayCallback, verifiedDomain } from '../helpers/sso';
import { startOidcIdp, type OidcIdp } from '../fakes/oidc-idp';

process.env.SSO_ALLOW_INSECURE_URLS = '1';
resetEnvForTests();

let idp: OidcIdp;
let org: Awaited<ReturnType<typeof provision>>;
let admin: { apiKey: string };
let domain: string;
let connectionId: string;
let roleIds: Record<string, string>;

function person(groups: string[] = [], extra: Partial<{ email_verified: boolean; email: string }> = {}) {
  const sub = `sub-${randomUUID().slice(0, 8)}`;
  const user = { sub, email: `${sub}@${domain}`, email_verified: true, name: 'Pat Example', groups, ...extra };
  idp.addUser(user);
  idp.signInAs(sub);
  return user;
}

async function me(cookie: string) {
  return call(meRoute.GET, { path: '/api/v1/me', as: { cookie } });
}

async function memberRole(email: string): Promise<string | null> {
  const res = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: admin });
  const found = (res.body.items as { email: string; role: { key: string } }[]).find((m) => m.email === email);
  return found?.role.key ?? null;
}

async function ssoAudit(): Promise<{ action: string; outcome: string; metadata: Record<string, unknown> }[]> {
  const res = await call(auditRoute.GET, { path: '/api/v1/audit?limit=100', as: admin });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as { action: string; outcome: string; metadata: Record<string, unknown> }[]).filter((e) => e.action === 'sso.signIn');
}

beforeAll(async () => {
  idp = await startOidcIdp({ redirectUris: [REDIRECT_URI] });
  org = await provision();
  admin = { apiKey: org.apiKey };
  roleIds = await roleIdsOf(admin);
  domain = (await verifiedDomain(admin)).domain;
  connectionId = (
    await createOidcConnection(admin, idp, {
      jitEnabled: true,
      defaultRoleId: roleIds.viewer ?? roleIds.member,
      groupRoleMappings: [{ group: 'reflex-admins', roleId: roleIds.admin }],
    })
  ).id;
});

afterAll(async () => {
  await idp.close();
});

describe('OIDC sign-in through a real OpenID Provider', () => {
  it('creates the account and membership just in time with the default role, and the session works', async () => {
    const user = person();
    const result = await browse(`/api/sso/start?email=${encodeURIComponent(user.email)}&next=/app/tasks`);
    expect(result.location).toBe('/app/tasks');
    expect(result.cookie).toContain('better-auth.session_token=');
    const res = await me(result.cookie);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.user.email).toBe(user.email);
    expect(res.body.user.emailVerified).toBe(true);
    expect(res.body.tenant.id).toBe(org.tenantId);
    expect(await memberRole(user.email)).toBe(roleIds.viewer ? 'viewer' : 'member');
    const audit = await ssoAudit();
    expect(audit.some((e) => e.outcome === 'success' && e.metadata.memberCreated === true)).toBe(true);
    // A better-auth session like any other: signing out ends it.
    const out = await (await getAuth()).handler(
      new Request(`${BASE}/api/auth/sign-out`, { method: 'POST', headers: { cookie: result.cookie, origin: BASE, 'content-type': 'application/json' }, body: '{}' }),
    );
    expect(out.status).toBe(200);
    expect((await me(result.cookie)).status).toBe(401);
  });

  it('refuses a new person when the plan has no member left, and keeps no account for them', async () => {
    await withTenant(org.tenantId, (tx) => setQuotaOverrides(tx, org.tenantId, { members: 1 }));
    try {
      const user = person();
      const result = await browse(`/api/sso/start?email=${encodeURIComponent(user.email)}`);
      expect(result.location).toBe('/sso/error?reason=provisioning_failed');
      expect(result.cookie).not.toContain('session_token');
      const ctx = await (await getAuth()).$context;
      expect(await ctx.internalAdapter.findUserByEmail(user.email)).toBeNull();
    } finally {
      await withTenant(org.tenantId, (tx) => setQuotaOverrides(tx, org.tenantId, {}));
    }
  });

  it('maps IdP groups to roles, on the first and on every later sign-in', async () => {
    const user = person(['reflex-admins', 'everyone']);
    const first = await browse(`/api/sso/start?email=${encodeURIComponent(user.email)}`);
    expect(first.location).toBe('/app');
    expect(await memberRole(user.email)).toBe('admin');
    // Removed from the group at the IdP, then put in a group mapped to another role: the next sign-in follows it.
    await call(connectionRoute.PATCH, {
      method: 'PATCH',
      path: `/api/v1/settings/sso/connections/${connectionId}`,
      params: { id: connectionId },
      body: { groupRoleMappings: [{ group: 'reflex-admins', roleId: roleIds.admin }, { group: 'readers', roleId: roleIds.member }] },
      as: admin,
    });
    idp.addUser({ ...user, groups: ['readers'] });
    idp.signInAs(user.sub);
    await browse(`/api/sso/start?email=${encodeURIComponent(user.email)}`);
    expect(await memberRole(user.email)).toBe('member');
  });

  it('signs an existing member in by address, links the IdP identity, and never changes an owner', async () => {
    const existing = await signUp(`pat-${randomUUID().slice(0, 6)}@${domain}`);
    await addMember(admin, org.tenantId, 'member', existing);
    idp.addUser({ sub: `sub-${existing.userId}`, email: existing.email, email_verified: true, groups: [] });
    idp.signInAs(`sub-${existing.userId}`);
    const first = await browse(`/api/sso/start?tenant=${org.tenantId}&connection=${connectionId}`);
    expect(first.location).toBe('/app');
    expect((await me(first.cookie)).body.user.id).toBe(existing.userId);
    expect(await memberRole(existing.email)).toBe('member');
    // The IdP changes the address: the linked subject still finds the same account.
    idp.addUser({ sub: `sub-${existing.userId}`, email: `renamed-${randomUUID().slice(0, 6)}@${domain}`, email_verified: true, groups: [] });
    const again = await browse(`/api/sso/start?tenant=${org.tenantId}&connection=${connectionId}`);
    expect((await me(again.cookie)).body.user.id).toBe(existing.userId);

    // An owner whose IdP groups map to admin stays owner.
    const bossDomain = randomDomain();
    const org2 = await provision(undefined, `boss@${bossDomain}`);
    const admin2 = { apiKey: org2.apiKey };
    await verifiedDomain(admin2, bossDomain);
    const roles2 = await roleIdsOf(admin2);
    const conn2 = await createOidcConnection(admin2, idp, { jitEnabled: true, groupRoleMappings: [{ group: 'reflex-admins', roleId: roles2.admin }] });
    idp.addUser({ sub: `boss-${org2.tenantId}`, email: `boss@${bossDomain}`, email_verified: true, groups: ['reflex-admins'] });
    idp.signInAs(`boss-${org2.tenantId}`);
    const boss = await browse(`/api/sso/start?tenant=${org2.tenantId}&connection=${conn2.id}`);
    expect(boss.location).toBe('/app');
    const bossMe = await me(boss.cookie);
    expect(bossMe.body.tenant.id).toBe(org2.tenantId);
    const members2 = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: admin2 });
    expect((members2.body.items as { email: string; role: { key: string } }[]).find((m) => m.email === `boss@${bossDomain}`)?.role.key).toBe('owner');
  });

  it('refuses an address outside the organization\'s verified domains', async () => {
    idp.addUser({ sub: 'outsider', email: org.ownerEmail, email_verified: true, groups: ['reflex-admins'] });
    idp.signInAs('outsider');
    const refused = await browse(`/api/sso/start?tenant=${org.tenantId}&connection=${connectionId}`);
    expect(refused.location).toBe('/sso/error?reason=email_domain');
    expect(refused.cookie).not.toContain('session_token');
  });

  it('refuses an address the IdP says is unverified: error page, audit entry, no session', async () => {
    const user = person([], { email_verified: false });
    const result = await browse(`/api/sso/start?email=${encodeURIComponent(user.email)}`);
    expect(result.location).toBe('/sso/error?reason=email_unverified');
    expect(result.cookie).not.toContain('session_token');
    expect(await memberRole(user.email)).toBeNull();
    expect((await ssoAudit()).some((e) => e.outcome === 'failure' && e.metadata.reason === 'email_unverified')).toBe(true);
  });

  it.each([
    ['issuer_mismatch', (c: Record<string, unknown>) => ({ ...c, iss: 'https://idp.evil.example' })],
    ['audience_mismatch', (c: Record<string, unknown>) => ({ ...c, aud: 'another-client' })],
    ['token_expired', (c: Record<string, unknown>) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 })],
    // An IdP whose clock runs two minutes behind ours: beyond the 30 s tolerance, its fresh token has expired.
    ['token_expired', (c: Record<string, unknown>) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 420, exp: Math.floor(Date.now() / 1000) - 120 })],
  ])('refuses a well-signed ID token with a bad claim (%s): error page, audit entry, no session', async (reason, rewrite) => {
    const user = person();
    idp.tamperIdToken(rewrite);
    const result = await browse(`/api/sso/start?email=${encodeURIComponent(user.email)}`);
    expect(result.location).toBe(`/sso/error?reason=${reason}`);
    expect(result.cookie).not.toContain('session_token');
    expect(await memberRole(user.email)).toBeNull();
    expect((await ssoAudit()).some((e) => e.outcome === 'failure' && e.metadata.reason === reason)).toBe(true);
  });

  it('refuses a replayed callback, a callback in another browser, and a forged state', async () => {
    const user = person();
    const first = await browse(`/api/sso/start?email=${encodeURIComponent(user.email)}`);
    expect(first.location).toBe('/app');
    if (!first.callbackUrl) throw new Error('no callback seen');
    const stateCookie = `reflex_sso_state=${first.appJar.get('reflex_sso_state') ?? 'gone'}`;
    expect(await replayCallback(first.callbackUrl, stateCookie)).toBe(`${BASE}/sso/error?reason=state_used`);

    // A fresh sign-in whose redirect back lands in a browser that did not start it (no state cookie).
    const second = person();
    const started = await call((await import('@/app/api/sso/start/route')).GET, { path: `/api/sso/start?email=${encodeURIComponent(second.email)}` });
    const idpRes = await browse(started.headers.get('location') ?? '', new Map([['unused', '1']]));
    // browse() kept its own app cookie jar without the state cookie: the callback refuses the browser.
    expect(idpRes.location).toBe('/sso/error?reason=browser_mismatch');

    const forged = new URL(first.callbackUrl);
    forged.searchParams.set('state', `${org.tenantId}.${randomUUID()}`);
    expect(await replayCallback(forged.href, '')).toBe(`${BASE}/sso/error?reason=invalid_state`);
    forged.searchParams.set('state', 'not-a-state');
    expect(await replayCallback(forged.href, '')).toBe(`${BASE}/sso/error?reason=invalid_state`);
  });

  it('refuses a newcomer when just-in-time provisioning is off', async () => {
    await call(connectionRoute.PATCH, { method: 'PATCH', path: `/api/v1/settings/sso/connections/${connectionId}`, params: { id: connectionId }, body: { jitEnabled: false }, as: admin });
    try {
      const user = person();
      const result = await browse(`/api/sso/start?email=${encodeURIComponent(user.email)}`);
      expect(result.location).toBe('/sso/error?reason=not_provisioned');
    } finally {
      await call(connectionRoute.PATCH, { method: 'PATCH', path: `/api/v1/settings/sso/connections/${connectionId}`, params: { id: connectionId }, body: { jitEnabled: true }, as: admin });
    }
  });

  it('sends an address with no SSO to the error page', async () => {
    const result = await browse(`/api/sso/start?email=${encodeURIComponent(`nobody@${randomUUID().slice(0, 6)}.example.test`)}`);
    expect(result.location).toBe('/sso/error?reason=no_connection');
  });

  it("meets the organization's two-factor requirement only when the organization requires SSO", async () => {
    await call(securityRoute.PATCH, { method: 'PATCH', path: '/api/v1/settings/security', body: { mfa: { required: 'all' } }, as: admin });
    try {
      const user = person();
      const signedIn = await browse(`/api/sso/start?email=${encodeURIComponent(user.email)}`);
      expect((await me(signedIn.cookie)).body.policy.blocked).toBe('mfa');
      const domains = await call(domainsRoute.GET, { path: '/api/v1/settings/sso/domains', as: admin });
      const id = (domains.body.items as { id: string; domain: string }[]).find((d) => d.domain === domain)?.id ?? '';
      const enforce = await call(domainRoute.PATCH, { method: 'PATCH', path: `/api/v1/settings/sso/domains/${id}`, params: { id }, body: { enforceSso: true }, as: admin });
      expect(enforce.status, JSON.stringify(enforce.body)).toBe(200);
      expect((await me(signedIn.cookie)).body.policy.blocked).toBeNull();
      // The owner's password session (break-glass) is still held to the policy.
      const owner = await signIn(org.ownerEmail);
      expect((await me(owner.cookie)).body.policy.blocked).toBe('mfa');
    } finally {
      await call(securityRoute.PATCH, { method: 'PATCH', path: '/api/v1/settings/security', body: { mfa: { required: 'off' } }, as: admin });
    }
  });
});
