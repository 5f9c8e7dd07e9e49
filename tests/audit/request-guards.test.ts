import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as authRoute from '@/app/api/auth/[...all]/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import * as tenantsRoute from '@/app/api/v1/tenants/route';
import nextConfig from '@/next.config';
import { securityHeaders } from '@/lib/http/security-headers';
import { closeOwnerDb } from '../helpers/db';
import { BASE, call, signUp } from '../helpers/http';
import { storedEntries } from './audit-helpers';

// Item 6 of the enterprise-controls issue, the part in the request wrappers: cookie-authenticated writes must
// come from our own origin (and a refusal is audited like any 403), and every response carries the headers.
describe('CSRF on cookie-authenticated writes', () => {
  let user: Awaited<ReturnType<typeof signUp>>;
  let tenantId: string;

  beforeAll(async () => {
    user = await signUp();
    const org = await call(tenantsRoute.POST, { method: 'POST', path: '/api/v1/tenants', body: { name: 'Guarded' }, as: { cookie: user.cookie } });
    tenantId = org.body.id;
  });

  afterAll(() => closeOwnerDb());

  const createRole = (headers: Record<string, string>, name: string) =>
    call(rolesRoute.POST, {
      method: 'POST',
      path: '/api/v1/roles',
      // Not `as`: that helper adds our own Origin; these requests set their own headers.
      headers: { cookie: user.cookie, 'x-tenant-id': tenantId, ...headers },
      body: { name, permissions: ['audit:read'] },
    });

  it('refuses another origin, the opaque "null" origin, and cross-site fetch metadata; each refusal is audited', async () => {
    const before = (await storedEntries(tenantId)).length;
    const refused: Record<string, string>[] = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }];
    for (const headers of refused) {
      const res = await createRole(headers, 'Should not exist');
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/Cross-site/);
    }
    const entries = (await storedEntries(tenantId)).slice(before);
    expect(entries.map((e) => [e.action, e.outcome, e.actor_id])).toEqual(Array(4).fill(['createRole', 'denied', user.userId]));
  });

  it('accepts our own origin, and a same-origin request without an Origin header', async () => {
    expect((await createRole({ origin: BASE }, 'Same origin')).status).toBe(201);
    expect((await createRole({ 'sec-fetch-site': 'same-origin' }, 'Fetch metadata')).status).toBe(201);
  });

  it('a cookie-less request naming a tenant writes nothing into its log', async () => {
    const before = (await storedEntries(tenantId)).length;
    const res = await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', headers: { 'x-tenant-id': tenantId, origin: 'https://evil.example' }, body: { name: 'x', permissions: ['audit:read'] } });
    expect(res.status).toBe(401);
    expect((await storedEntries(tenantId)).length).toBe(before);
  });

  it('a cross-site sign-in (login CSRF) is refused before better-auth sees it (better-auth checks Origin only with a cookie)', async () => {
    const res = await call(authRoute.POST, {
      method: 'POST',
      path: '/api/auth/sign-in/email',
      headers: { origin: 'https://evil.example' },
      body: { email: user.email, password: user.password },
    });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

describe('security headers', () => {
  it('are applied to every path, API included', async () => {
    const rules = await nextConfig.headers?.();
    expect(rules).toEqual([{ source: '/:path*', headers: securityHeaders() }]);
    const names = securityHeaders().map((h) => h.key.toLowerCase());
    expect(names).toEqual(
      expect.arrayContaining(['content-security-policy', 'strict-transport-security', 'x-frame-options', 'x-content-type-options', 'referrer-policy']),
    );
    const csp = securityHeaders().find((h) => h.key === 'Content-Security-Policy')?.value ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });
});
