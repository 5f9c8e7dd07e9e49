import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as discoverRoute from '@/app/api/sso/discover/route';
import * as startRoute from '@/app/api/sso/start/route';
import * as connectionById from '@/app/api/v1/settings/sso/connections/[id]/route';
import * as connectionsRoute from '@/app/api/v1/settings/sso/connections/route';
import * as domainById from '@/app/api/v1/settings/sso/domains/[id]/route';
import * as verifyRoute from '@/app/api/v1/settings/sso/domains/[id]/verify/route';
import * as domainsRoute from '@/app/api/v1/settings/sso/domains/route';
import * as ssoOps from '@/lib/api/sso';
import { resetEnvForTests } from '@/lib/env';
import type { Operation } from '@/lib/http/operation';
import { call, provision, signIn, type Identity } from '../helpers/http';
import { addMember, roleIdsOf } from '../helpers/tenancy';
import { createOidcConnection, randomDomain, REDIRECT_URI, txtRecords, verifiedDomain } from '../helpers/sso';
import { startOidcIdp, type OidcIdp } from '../fakes/oidc-idp';
import { createTestIdp, generateSigningKey } from '../helpers/saml-idp';

process.env.SSO_ALLOW_INSECURE_URLS = '1';
resetEnvForTests();

type Handler = Parameters<typeof call>[0];

let idp: OidcIdp;
let a: Awaited<ReturnType<typeof provision>>;
let b: Awaited<ReturnType<typeof provision>>;
let aKey: Identity;
let bKey: Identity;
let bSession: Identity;
let aConnection: string;
let aDomain: { id: string; domain: string };

beforeAll(async () => {
  idp = await startOidcIdp({ redirectUris: [REDIRECT_URI] });
  a = await provision();
  b = await provision();
  aKey = { apiKey: a.apiKey };
  bKey = { apiKey: b.apiKey };
  bSession = { cookie: (await signIn(b.ownerEmail)).cookie, tenantId: b.tenantId };
  aConnection = (await createOidcConnection(aKey, idp, { jitEnabled: true })).id;
  aDomain = await verifiedDomain(aKey);
});

afterAll(async () => {
  await idp.close();
});

describe('SSO connections', () => {
  it('never returns the client secret, and stores it sealed', async () => {
    const list = await call(connectionsRoute.GET, { path: '/api/v1/settings/sso/connections', as: aKey });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(idp.clientSecret);
    const one = await call(connectionById.GET, { path: `/api/v1/settings/sso/connections/${aConnection}`, params: { id: aConnection }, as: aKey });
    expect(JSON.stringify(one.body)).not.toContain(idp.clientSecret);
    expect(one.body.oidc).toMatchObject({ clientId: idp.clientId, clientSecretSet: true, redirectUri: REDIRECT_URI });
    expect(one.body.oidc).not.toHaveProperty('clientSecretSealed');
  });

  it('reads SAML settings from metadata XML or fields, checks certificates, and shows SAML values to copy into the IdP', async () => {
    const keys = await generateSigningKey();
    const samlIdp = createTestIdp({ entityId: `https://idp.test/${randomUUID()}`, ssoUrl: 'https://idp.test/sso', keys });
    const fromXml = await call(connectionsRoute.POST, {
      method: 'POST',
      path: '/api/v1/settings/sso/connections',
      body: { protocol: 'saml', name: 'Okta SAML', metadataXml: samlIdp.metadata },
      as: aKey,
    });
    expect(fromXml.status, JSON.stringify(fromXml.body)).toBe(201);
    expect(fromXml.body.saml).toMatchObject({ idpEntityId: samlIdp.entityId, idpSsoUrl: 'https://idp.test/sso', idpCertificateCount: 1 });
    expect(fromXml.body.saml.acsUrl).toBe(`http://localhost:3000/api/sso/saml/${fromXml.body.id}/acs`);
    expect(fromXml.body.saml.spEntityId).toBe(`http://localhost:3000/api/sso/saml/${fromXml.body.id}/metadata`);
    const badCert = await call(connectionsRoute.POST, {
      method: 'POST',
      path: '/api/v1/settings/sso/connections',
      body: { protocol: 'saml', name: 'x', idpEntityId: 'http://www.okta.com/exk1', idpSsoUrl: 'https://acme.okta.com/app/sso/saml', idpCertificates: ['MIIC-not-a-cert'] },
      as: aKey,
    });
    expect(badCert.status).toBe(422);
    const notXml = await call(connectionsRoute.POST, { method: 'POST', path: '/api/v1/settings/sso/connections', body: { protocol: 'saml', name: 'x', metadataXml: '<html/>' }, as: aKey });
    expect(notXml.status).toBe(422);
    await call(connectionById.DELETE, { method: 'DELETE', path: `/api/v1/settings/sso/connections/${fromXml.body.id}`, params: { id: fromXml.body.id }, as: aKey });
  });

  it('refuses the owner role and roles the admin could not grant', async () => {
    const roles = await roleIdsOf(aKey);
    const res = await call(connectionById.PATCH, {
      method: 'PATCH',
      path: `/api/v1/settings/sso/connections/${aConnection}`,
      params: { id: aConnection },
      body: { groupRoleMappings: [{ group: 'x', roleId: roles.owner }] },
      as: aKey,
    });
    expect(res.status).toBe(422);
  });

  it('refuses issuer URLs on private addresses unless the escape hatch is on', async () => {
    process.env.SSO_ALLOW_INSECURE_URLS = '0';
    resetEnvForTests();
    try {
      for (const issuer of ['http://idp.example.com', 'https://127.0.0.1:8443', 'https://169.254.169.254/latest', 'https://[::1]/']) {
        const res = await call(connectionsRoute.POST, {
          method: 'POST',
          path: '/api/v1/settings/sso/connections',
          body: { protocol: 'oidc', name: 'x', issuer, clientId: 'c', clientSecret: 's' },
          as: aKey,
        });
        expect(res.status, issuer).toBe(422);
      }
    } finally {
      process.env.SSO_ALLOW_INSECURE_URLS = '1';
      resetEnvForTests();
    }
  });
});

describe('domains', () => {
  it('verifies by DNS TXT: right token, wrong token, no record', async () => {
    const domain = randomDomain();
    const added = await call(domainsRoute.POST, { method: 'POST', path: '/api/v1/settings/sso/domains', body: { domain: domain.toUpperCase() }, as: aKey });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ domain, verified: false, txtRecord: { name: `_reflex-challenge.${domain}`, type: 'TXT' } });
    expect(added.body.txtRecord.value).toMatch(/^reflex-domain-verification=/);
    const verify = () => call(verifyRoute.POST, { method: 'POST', path: `/api/v1/settings/sso/domains/${added.body.id}/verify`, params: { id: added.body.id }, as: aKey });

    const none = await verify();
    expect(none.body).toMatchObject({ result: 'record_missing', domain: { verified: false } });
    txtRecords.set(added.body.txtRecord.name, ['v=spf1 -all', 'reflex-domain-verification=someone-elses-token']);
    const wrong = await verify();
    expect(wrong.body).toMatchObject({ result: 'token_mismatch', domain: { verified: false } });
    txtRecords.set(added.body.txtRecord.name, ['v=spf1 -all', added.body.txtRecord.value]);
    const right = await verify();
    expect(right.body).toMatchObject({ result: 'verified', domain: { verified: true } });
  });

  it('gives a verified domain to one organization only', async () => {
    const claim = await call(domainsRoute.POST, { method: 'POST', path: '/api/v1/settings/sso/domains', body: { domain: aDomain.domain }, as: bKey });
    // Adding reveals nothing: anyone may start a claim.
    expect(claim.status).toBe(201);
    txtRecords.set(claim.body.txtRecord.name, [claim.body.txtRecord.value]);
    const verify = await call(verifyRoute.POST, { method: 'POST', path: `/api/v1/settings/sso/domains/${claim.body.id}/verify`, params: { id: claim.body.id }, as: bKey });
    expect(verify.status).toBe(409);
    txtRecords.delete(claim.body.txtRecord.name);
    await call(domainById.DELETE, { method: 'DELETE', path: `/api/v1/settings/sso/domains/${claim.body.id}`, params: { id: claim.body.id }, as: bKey });
  });
});

describe('discovery and enforcement', () => {
  it('discovers SSO by a verified domain only', async () => {
    const found = await call(discoverRoute.POST, { method: 'POST', path: '/api/sso/discover', body: { email: `kim@${aDomain.domain.toUpperCase()}`, next: '/app/tasks' } });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ sso: true, required: false });
    expect(found.body.startUrl).toContain('/api/sso/start?email=');
    const unverified = await call(domainsRoute.POST, { method: 'POST', path: '/api/v1/settings/sso/domains', body: { domain: randomDomain() }, as: aKey });
    const none = await call(discoverRoute.POST, { method: 'POST', path: '/api/sso/discover', body: { email: `kim@${unverified.body.domain}` } });
    expect(none.body).toEqual({ sso: false, required: false, startUrl: null });
  });

  it('refuses password sign-in for an enforced domain, except an owner (break-glass)', async () => {
    const org = await provision(undefined, `owner@${randomDomain()}`);
    const admin = { apiKey: org.apiKey };
    const domain = org.ownerEmail.split('@')[1] ?? '';
    const { id } = await verifiedDomain(admin, domain);
    const enforceEarly = await call(domainById.PATCH, { method: 'PATCH', path: `/api/v1/settings/sso/domains/${id}`, params: { id }, body: { enforceSso: true }, as: admin });
    expect(enforceEarly.status, 'no connection yet').toBe(422);
    await createOidcConnection(admin, idp);
    const { signUp } = await import('../helpers/http');
    const person = await signUp(`member-${randomUUID().slice(0, 6)}@${domain}`);
    await addMember(admin, org.tenantId, 'member', person);
    await expect(signIn(person.email)).resolves.toHaveProperty('cookie');

    const enforce = await call(domainById.PATCH, { method: 'PATCH', path: `/api/v1/settings/sso/domains/${id}`, params: { id }, body: { enforceSso: true }, as: admin });
    expect(enforce.status, JSON.stringify(enforce.body)).toBe(200);
    expect(enforce.body.enforceSso).toBe(true);
    const { handleAuthRequest } = await import('@/lib/auth/handler');
    const refused = await handleAuthRequest(
      new Request('http://localhost:3000/api/auth/sign-in/email', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
        body: JSON.stringify({ email: person.email, password: person.password }),
      }),
    );
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('single sign-on');
    // The owner still gets in with a password when the IdP is down.
    const owner = await handleAuthRequest(
      new Request('http://localhost:3000/api/auth/sign-in/email', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
        body: JSON.stringify({ email: org.ownerEmail, password: 'correct horse battery' }),
      }),
    );
    expect(owner.status).toBe(200);
    const discovered = await call(discoverRoute.POST, { method: 'POST', path: '/api/sso/discover', body: { email: person.email } });
    expect(discovered.body).toMatchObject({ sso: true, required: true });
  });
});

describe("cross-tenant: B never reads, changes or detects A's SSO", () => {
  const identities = (): [string, Identity][] => [
    ["B's owner API key", bKey],
    ["B's owner session", bSession],
  ];

  const BY_ID: { op: string; handler: Handler; method: string; path: () => string; id: () => string; body?: unknown }[] = [
    { op: 'getSsoConnection', handler: connectionById.GET, method: 'GET', path: () => `/api/v1/settings/sso/connections/${aConnection}`, id: () => aConnection },
    { op: 'updateSsoConnection', handler: connectionById.PATCH, method: 'PATCH', path: () => `/api/v1/settings/sso/connections/${aConnection}`, id: () => aConnection, body: { name: 'stolen' } },
    { op: 'deleteSsoConnection', handler: connectionById.DELETE, method: 'DELETE', path: () => `/api/v1/settings/sso/connections/${aConnection}`, id: () => aConnection },
    { op: 'verifySsoDomain', handler: verifyRoute.POST, method: 'POST', path: () => `/api/v1/settings/sso/domains/${aDomain.id}/verify`, id: () => aDomain.id },
    { op: 'updateSsoDomain', handler: domainById.PATCH, method: 'PATCH', path: () => `/api/v1/settings/sso/domains/${aDomain.id}`, id: () => aDomain.id, body: { enforceSso: false } },
    { op: 'deleteSsoDomain', handler: domainById.DELETE, method: 'DELETE', path: () => `/api/v1/settings/sso/domains/${aDomain.id}`, id: () => aDomain.id },
  ];
  const COVERED_OTHERWISE: Record<string, string> = {
    listSsoConnections: 'lists below',
    listSsoDomains: 'lists below',
    createSsoConnection: "A's role ids in the body (below)",
    addSsoDomain: "adding A's domain reveals nothing; verifying it is refused ('domains' block)",
    discoverSso: 'public by design: it answers for a domain, never with an organization or connection id',
    startSso: "starting with A's connection id under B's tenant finds nothing (below)",
    ssoOidcCallback: "a state naming a tenant is looked up under that tenant's RLS (tests/sso/oidc-sign-in.test.ts)",
  };

  it('covers every SSO operation', () => {
    const ops = Object.values(ssoOps as Record<string, unknown>).filter((v): v is Operation => typeof v === 'object' && v !== null && 'id' in v && 'method' in v);
    const covered = new Set([...BY_ID.map((c) => c.op), ...Object.keys(COVERED_OTHERWISE)]);
    expect(ops.map((o) => o.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each([0, 1])('by id: answers like an id that exists nowhere (identity #%i)', async (which) => {
    const [, as] = identities()[which] ?? ['', bKey];
    for (const c of BY_ID) {
      const foreign = await call(c.handler, { method: c.method, path: c.path(), params: { id: c.id() }, body: c.body, as });
      const missingId = randomUUID();
      const missing = await call(c.handler, { method: c.method, path: c.path().replace(c.id(), missingId), params: { id: missingId }, body: c.body, as });
      expect(foreign.status, c.op).toBe(404);
      expect(foreign.body.error.code, c.op).toBe(missing.body.error.code);
      expect(foreign.body.error.message, c.op).toBe(missing.body.error.message);
    }
    const still = await call(connectionById.GET, { path: `/api/v1/settings/sso/connections/${aConnection}`, params: { id: aConnection }, as: aKey });
    expect(still.body.name).toBe('Test IdP');
    const domains = await call(domainsRoute.GET, { path: '/api/v1/settings/sso/domains', as: aKey });
    expect((domains.body.items as { id: string }[]).map((d) => d.id)).toContain(aDomain.id);
  });

  it("lists never include A's rows", async () => {
    for (const [, as] of identities()) {
      const conns = await call(connectionsRoute.GET, { path: '/api/v1/settings/sso/connections', as });
      expect(conns.status).toBe(200);
      expect(JSON.stringify(conns.body)).not.toContain(aConnection);
      const domains = await call(domainsRoute.GET, { path: '/api/v1/settings/sso/domains', as });
      expect(JSON.stringify(domains.body)).not.toContain(aDomain.id);
    }
  });

  it("refuses A's role ids and A's connection id in B's requests", async () => {
    const aRoles = await roleIdsOf(aKey);
    const res = await call(connectionsRoute.POST, {
      method: 'POST',
      path: '/api/v1/settings/sso/connections',
      body: { protocol: 'oidc', name: 'x', issuer: idp.issuer, clientId: 'c', clientSecret: 's', defaultRoleId: aRoles.member },
      as: bKey,
    });
    expect(res.status).toBe(422);
    const bDomain = await call(domainsRoute.POST, { method: 'POST', path: '/api/v1/settings/sso/domains', body: { domain: randomDomain() }, as: bKey });
    const pick = await call(domainById.PATCH, { method: 'PATCH', path: `/api/v1/settings/sso/domains/${bDomain.body.id}`, params: { id: bDomain.body.id }, body: { connectionId: aConnection }, as: bKey });
    expect(pick.status).toBe(404);
    const start = await call(startRoute.GET, { path: `/api/sso/start?tenant=${b.tenantId}&connection=${aConnection}` });
    expect(start.headers.get('location')).toBe('http://localhost:3000/sso/error?reason=no_connection');
  });
});
