import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as acsRoute from '@/app/api/sso/saml/[connectionId]/acs/route';
import * as metadataRoute from '@/app/api/sso/saml/[connectionId]/metadata/route';
import * as startRoute from '@/app/api/sso/start/route';
import * as auditRoute from '@/app/api/v1/audit/route';
import * as meRoute from '@/app/api/v1/me/route';
import * as connectionsRoute from '@/app/api/v1/settings/sso/connections/route';
import * as domainsRoute from '@/app/api/v1/settings/sso/domains/route';
import { ssoDomains } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { BASE, call, provision } from '../helpers/http';
import { createTestIdp, generateSigningKey, spFromMetadata, type TestAssertion, type TestIdp } from '../helpers/saml-idp';

const IDP_SSO = 'https://idp.test/sso';

type Org = { tenantId: string; admin: { apiKey: string }; domain: string; connectionId: string; idp: TestIdp; sp: ReturnType<typeof spFromMetadata> };

let a: Org;
let b: Org;
let impostor: TestIdp;

// An organization with a verified domain and a SAML connection to its own test IdP (JIT on). The DNS proof of the
// domain is the SSO core's business (tested there); here the row is marked verified directly.
async function samlOrg(): Promise<Org> {
  const org = await provision();
  const admin = { apiKey: org.apiKey };
  const domain = `saml-${randomUUID().slice(0, 8)}.example.com`;
  const added = await call(domainsRoute.POST, { method: 'POST', path: '/api/v1/settings/sso/domains', body: { domain }, as: admin });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  await withTenant(org.tenantId, (tx) => tx.update(ssoDomains).set({ verifiedAt: new Date() }).where(eq(ssoDomains.id, added.body.id)));
  const entityId = `https://idp.test/${randomUUID()}`;
  const idp = createTestIdp({ entityId, ssoUrl: IDP_SSO, keys: await generateSigningKey() });
  const created = await call(connectionsRoute.POST, {
    method: 'POST',
    path: '/api/v1/settings/sso/connections',
    body: { protocol: 'saml', name: 'Okta', idpEntityId: entityId, idpSsoUrl: IDP_SSO, idpCertificates: [idp.cert], jitEnabled: true },
    as: admin,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const connectionId: string = created.body.id;
  // The IdP is configured from the metadata we publish, as an admin would do.
  const metadata = await call(metadataRoute.GET, { path: `/api/sso/saml/${connectionId}/metadata`, params: { connectionId } });
  expect(metadata.status).toBe(200);
  expect(metadata.headers.get('content-type')).toContain('application/samlmetadata+xml');
  expect(created.body.saml.acsUrl).toBe(`${BASE}/api/sso/saml/${connectionId}/acs`);
  return { tenantId: org.tenantId, admin, domain, connectionId, idp, sp: spFromMetadata(metadata.body) };
}

beforeAll(async () => {
  [a, b] = await Promise.all([samlOrg(), samlOrg()]);
  impostor = createTestIdp({ entityId: a.idp.entityId, ssoUrl: IDP_SSO, keys: await generateSigningKey('Impostor') });
});

// The browser's first leg: /api/sso/start redirects to the IdP with an AuthnRequest, which the IdP parses.
async function start(org: Org, email: string, base = BASE, sp = org.sp) {
  const res = await call(startRoute.GET, { base, path: `/api/sso/start?email=${encodeURIComponent(email)}&next=/app/tasks` });
  expect(res.status, JSON.stringify(res.body)).toBe(302);
  const location = new URL(res.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(IDP_SSO);
  const query = Object.fromEntries(location.searchParams);
  const parsed = await org.idp.idp.parseLoginRequest(sp, 'redirect', { query });
  return { requestId: String(parsed.extract.request?.id), relayState: query.RelayState ?? '', setCookies: res.headers.getSetCookie() };
}

// The IdP's auto-submitted form, cross-site, to the ACS of `connectionId`, with the cookies the browser sends.
async function post(connectionId: string, form: Record<string, string>, base = BASE, sentCookie?: string) {
  const res = await call(acsRoute.POST, {
    base,
    method: 'POST',
    path: `/api/sso/saml/${connectionId}/acs`,
    params: { connectionId },
    rawBody: new URLSearchParams(form).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'https://idp.test',
      'sec-fetch-site': 'cross-site',
      ...(sentCookie ? { cookie: sentCookie } : {}),
    },
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { status: res.status, location: res.headers.get('location') ?? '', cookie };
}

function person(org: Org) {
  const email = `pat-${randomUUID().slice(0, 8)}@${org.domain}`;
  return { email, attributes: { email: [email], firstName: ['Pat'], lastName: ['Example'], groups: ['everyone'] } };
}

async function signIn(org: Org, overrides: Partial<TestAssertion> = {}, idp: TestIdp = org.idp) {
  const who = person(org);
  const { requestId, relayState } = await start(org, who.email);
  const SAMLResponse = await idp.respond(org.sp, { requestId, nameId: who.email, attributes: who.attributes, ...overrides });
  return { who, requestId, relayState, SAMLResponse, result: await post(org.connectionId, { SAMLResponse, RelayState: relayState }) };
}

async function ssoAudit(org: Org) {
  const res = await call(auditRoute.GET, { path: '/api/v1/audit?limit=100', as: org.admin });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as { action: string; outcome: string; metadata: Record<string, unknown> }[]).filter((e) => e.action === 'sso.signIn');
}

describe('SAML sign-in through the routes, against a samlify IdP', () => {
  it('signs a new person in just in time and the session works', async () => {
    const { who, result } = await signIn(a);
    expect(result.status).toBe(302);
    expect(result.location).toBe(`${BASE}/app/tasks`);
    expect(result.cookie).toContain('session_token=');
    const me = await call(meRoute.GET, { path: '/api/v1/me', as: { cookie: result.cookie } });
    expect(me.status, JSON.stringify(me.body)).toBe(200);
    expect(me.body.user.email).toBe(who.email);
    expect(me.body.user.name).toBe('Pat Example');
    expect(me.body.tenant.id).toBe(a.tenantId);
    const audit = await ssoAudit(a);
    expect(audit.some((e) => e.outcome === 'success' && e.metadata.protocol === 'saml' && e.metadata.memberCreated === true)).toBe(true);
  });

  it('refuses a response posted twice, and an assertion replayed into a new sign-in', async () => {
    const first = await signIn(a, { assertionId: `_replay-${randomUUID()}` });
    expect(first.result.location).toBe(`${BASE}/app/tasks`);
    const again = await post(a.connectionId, { SAMLResponse: first.SAMLResponse, RelayState: first.relayState });
    expect(again.location).toBe(`${BASE}/sso/error?reason=state_used`);
    expect(again.cookie).not.toContain('session_token');
    // The same assertion id, answering a fresh request: refused by the database-backed replay check.
    const reused = await signIn(a, { assertionId: /ID="(_replay-[^"]+)"/.exec(Buffer.from(first.SAMLResponse, 'base64').toString())?.[1] });
    expect(reused.result.location).toBe(`${BASE}/sso/error?reason=replayed`);
    expect(reused.result.cookie).not.toContain('session_token');
  });

  it.each([
    ['token_invalid', 'signed by another key', () => ({}), true],
    ['issuer_mismatch', 'from another issuer', () => ({ issuer: 'https://evil.test/idp' }), false],
    ['audience_mismatch', 'for another service provider', () => ({ audience: 'https://other.test/sp' }), false],
    ['token_expired', 'expired', () => ({ issuedAt: new Date(Date.now() - 3_600_000) }), false],
    ['invalid_state', 'answering another request', () => ({ inResponseTo: '_other', subjectInResponseTo: '_other' }), false],
  ] as const)('refuses a response %s (%s): error page, audit entry, no session', async (reason, _why, overrides, forged) => {
    const { result } = await signIn(a, overrides(), forged ? impostor : a.idp);
    expect(result.location).toBe(`${BASE}/sso/error?reason=${reason}`);
    expect(result.cookie).not.toContain('session_token');
    expect((await ssoAudit(a)).some((e) => e.outcome === 'failure' && e.metadata.protocol === 'saml' && e.metadata.reason === reason)).toBe(true);
  });

  it('refuses IdP-initiated sign-in (no RelayState) and an unreadable post', async () => {
    const who = person(a);
    const unsolicited = await a.idp.respond(a.sp, { requestId: '', nameId: who.email, attributes: who.attributes });
    expect((await post(a.connectionId, { SAMLResponse: unsolicited })).location).toBe(`${BASE}/sso/error?reason=invalid_state`);
    const { relayState } = await start(a, who.email);
    expect((await post(a.connectionId, { SAMLResponse: 'not base64!', RelayState: relayState })).location).toBe(
      `${BASE}/sso/error?reason=token_invalid`,
    );
  });

  it('shows an IdP refusal (error status) as idp_error, audited', async () => {
    const who = person(a);
    const { requestId, relayState } = await start(a, who.email);
    const denied =
      '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ' +
      `ID="_d1" Version="2.0" IssueInstant="${new Date().toISOString()}" InResponseTo="${requestId}"><saml:Issuer>${a.idp.entityId}</saml:Issuer>` +
      '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"/></samlp:Status></samlp:Response>';
    const result = await post(a.connectionId, { SAMLResponse: Buffer.from(denied).toString('base64'), RelayState: relayState });
    expect(result.location).toBe(`${BASE}/sso/error?reason=idp_error`);
    expect((await ssoAudit(a)).some((e) => e.outcome === 'failure' && e.metadata.reason === 'idp_error')).toBe(true);
  });

  it('tenant B: its sign-in posted to A’s ACS answers like a connection that does not exist', async () => {
    const startAtB = async () => {
      const who = person(b);
      const started = await start(b, who.email);
      const SAMLResponse = await b.idp.respond(b.sp, { requestId: started.requestId, nameId: who.email, attributes: who.attributes });
      return { SAMLResponse, RelayState: started.relayState };
    };
    const atA = await post(a.connectionId, await startAtB());
    const nowhere = await post(randomUUID(), await startAtB());
    expect(atA.location).toBe(`${BASE}/sso/error?reason=invalid_state`);
    expect(nowhere).toEqual(atA);
    expect(atA.cookie).not.toContain('session_token');
    // A's metadata is derived from the id alone: it answers like an id that exists nowhere.
    const other = randomUUID();
    const mine = await call(metadataRoute.GET, { path: `/api/sso/saml/${a.connectionId}/metadata`, params: { connectionId: a.connectionId } });
    const none = await call(metadataRoute.GET, { path: `/api/sso/saml/${other}/metadata`, params: { connectionId: other } });
    const shape = (xml: string, id: string) => xml.replaceAll(id, 'ID').replace(/ ID="[^"]+"/, '');
    expect(none.status).toBe(mine.status);
    expect(shape(none.body, other)).toBe(shape(mine.body, a.connectionId));
    const bad = await call(metadataRoute.GET, { path: '/api/sso/saml/nope/metadata', params: { connectionId: 'nope' } });
    expect(bad.status).toBe(400);
  });
});

describe('SAML over https: only the browser that started a sign-in can finish it', () => {
  const HTTPS = 'https://reflex.example.com';
  let sp: ReturnType<typeof spFromMetadata>;

  beforeAll(async () => {
    // The IdP reads the https deployment's metadata (its ACS URL and audience are https too).
    const metadata = await call(metadataRoute.GET, { base: HTTPS, path: `/api/sso/saml/${a.connectionId}/metadata`, params: { connectionId: a.connectionId } });
    expect(metadata.status).toBe(200);
    sp = spFromMetadata(metadata.body);
  });

  async function respondTo(who: ReturnType<typeof person>) {
    const started = await start(a, who.email, HTTPS, sp);
    const SAMLResponse = await a.idp.respond(sp, { requestId: started.requestId, nameId: who.email, attributes: who.attributes });
    return { ...started, SAMLResponse };
  }

  it('sets the state a second time in a SameSite=None; Secure cookie, which the IdP’s cross-site POST carries', async () => {
    const who = person(a);
    const { setCookies, relayState, SAMLResponse } = await respondTo(who);
    const samlCookie = setCookies.find((c) => c.startsWith('reflex_sso_saml_state='));
    expect(samlCookie).toMatch(/; Path=\/api\/sso\/saml; .*HttpOnly; SameSite=None; Secure$/);
    const result = await post(a.connectionId, { SAMLResponse, RelayState: relayState }, HTTPS, samlCookie?.split(';')[0]);
    expect(result.location).toBe(`${HTTPS}/app/tasks`);
    expect(result.cookie).toContain('session_token=');
    const me = await call(meRoute.GET, { path: '/api/v1/me', as: { cookie: result.cookie } });
    expect(me.body.user.email).toBe(who.email);
  });

  it('refuses a valid response posted through a browser without that cookie, or with another sign-in’s (login CSRF)', async () => {
    // The attacker starts a sign-in with their own account and has the victim's browser post the answer.
    const attacker = await respondTo(person(a));
    const bare = await post(a.connectionId, { SAMLResponse: attacker.SAMLResponse, RelayState: attacker.relayState }, HTTPS);
    expect(bare.location).toBe(`${HTTPS}/sso/error?reason=browser_mismatch`);
    expect(bare.cookie).not.toContain('session_token');

    const victimOwn = await respondTo(person(a));
    const attacker2 = await respondTo(person(a));
    const victimCookie = victimOwn.setCookies.find((c) => c.startsWith('reflex_sso_saml_state='))?.split(';')[0];
    const crossed = await post(a.connectionId, { SAMLResponse: attacker2.SAMLResponse, RelayState: attacker2.relayState }, HTTPS, victimCookie);
    expect(crossed.location).toBe(`${HTTPS}/sso/error?reason=browser_mismatch`);
    expect(crossed.cookie).not.toContain('session_token');
  });
});
