import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import * as callbackRoute from '@/app/api/sso/oidc/callback/route';
import * as startRoute from '@/app/api/sso/start/route';
import * as connectionsRoute from '@/app/api/v1/settings/sso/connections/route';
import * as domainsRoute from '@/app/api/v1/settings/sso/domains/route';
import * as verifyRoute from '@/app/api/v1/settings/sso/domains/[id]/verify/route';
import { setTxtResolverForTests } from '@/lib/sso/dns';
import { BASE, call, type Identity } from './http';

export const REDIRECT_URI = `${BASE}/api/sso/oidc/callback`;

// TXT records the tests publish: name → values. Stands in for DNS (lib/sso/dns.ts takes any resolver).
export const txtRecords = new Map<string, string[]>();
setTxtResolverForTests(async (name) => {
  const values = txtRecords.get(name);
  if (!values) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return values.map((v) => [v]);
});

export const randomDomain = () => `sso-${randomUUID().slice(0, 8)}.example.test`;

/** Adds a domain and verifies it through the (test) DNS: publishes the TXT record it asks for. */
export async function verifiedDomain(admin: Identity, domain = randomDomain()): Promise<{ id: string; domain: string }> {
  const added = await call(domainsRoute.POST, { method: 'POST', path: '/api/v1/settings/sso/domains', body: { domain }, as: admin });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  txtRecords.set(added.body.txtRecord.name, [added.body.txtRecord.value]);
  const verified = await call(verifyRoute.POST, { method: 'POST', path: `/api/v1/settings/sso/domains/${added.body.id}/verify`, params: { id: added.body.id }, as: admin });
  expect(verified.body.result, JSON.stringify(verified.body)).toBe('verified');
  return { id: added.body.id, domain };
}

export async function createOidcConnection(admin: Identity, idp: { issuer: string; clientId: string; clientSecret: string }, extra: Record<string, unknown> = {}) {
  const res = await call(connectionsRoute.POST, {
    method: 'POST',
    path: '/api/v1/settings/sso/connections',
    body: { protocol: 'oidc', name: 'Test IdP', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, scopes: ['openid', 'email', 'profile', 'groups'], ...extra },
    as: admin,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

export interface BrowseResult {
  /** Where the browser ended up on our side: a page (/app…, /sso/error?reason=…). */
  location: string;
  /** Our cookies, as a Cookie header. */
  cookie: string;
  /** The IdP's redirect back to us, to replay it. */
  callbackUrl: string | null;
}

type Jar = Map<string, string>;

function absorb(jar: Jar, setCookies: string[]): void {
  for (const c of setCookies) {
    const [pair] = c.split(';');
    const [name, ...rest] = (pair ?? '').split('=');
    if (!name) continue;
    const value = rest.join('=');
    if (/max-age=0/i.test(c) || value === '') jar.delete(name.trim());
    else jar.set(name.trim(), value);
  }
}

const header = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

const APP_ROUTES: Record<string, typeof startRoute.GET> = { '/api/sso/start': startRoute.GET, '/api/sso/oidc/callback': callbackRoute.GET };

/**
 * Follows redirects like a browser: our SSO routes are called as handlers, the IdP over real HTTP, each side with
 * its own cookies. Stops at the first page of ours that is not an SSO route.
 */
export async function browse(start: string, appJar: Jar = new Map(), idpJar: Jar = new Map()): Promise<BrowseResult & { appJar: Jar }> {
  let url = new URL(start, BASE);
  let callbackUrl: string | null = null;
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin === BASE) {
      const route = APP_ROUTES[url.pathname];
      if (!route) return { location: `${url.pathname}${url.search}`, cookie: header(appJar), callbackUrl, appJar };
      if (url.pathname === '/api/sso/oidc/callback') callbackUrl = url.href;
      const res = await call(route, { path: `${url.pathname}${url.search}`, headers: appJar.size ? { cookie: header(appJar) } : {} });
      absorb(appJar, res.headers.getSetCookie());
      const next = res.headers.get('location');
      if (!next) throw new Error(`${url.pathname} answered ${res.status} without a redirect: ${JSON.stringify(res.body)}`);
      url = new URL(next, url);
      continue;
    }
    const res = await fetch(url, { redirect: 'manual', headers: idpJar.size ? { cookie: header(idpJar) } : {} });
    absorb(idpJar, res.headers.getSetCookie());
    const next = res.headers.get('location');
    if (!next) throw new Error(`IdP ${url.pathname} answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
    url = new URL(next, url);
  }
  throw new Error('too many redirects');
}

/** Replays a request to our callback (a stolen or repeated redirect), with the given cookies. */
export async function replayCallback(callbackUrl: string, cookie: string): Promise<string> {
  const url = new URL(callbackUrl);
  const res = await call(callbackRoute.GET, { path: `${url.pathname}${url.search}`, headers: cookie ? { cookie } : {} });
  return res.headers.get('location') ?? '';
}
