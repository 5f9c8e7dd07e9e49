import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as platformTenants from '@/app/api/platform/tenants/route';
import * as apiKeyById from '@/app/api/v1/api-keys/[id]/route';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as invitationById from '@/app/api/v1/invitations/[id]/route';
import * as invitationsRoute from '@/app/api/v1/invitations/route';
import * as meRoute from '@/app/api/v1/me/route';
import * as meTenant from '@/app/api/v1/me/tenant/route';
import * as memberById from '@/app/api/v1/members/[id]/route';
import * as revokeSessions from '@/app/api/v1/members/[id]/revoke-sessions/route';
import * as resetMfa from '@/app/api/v1/members/[id]/reset-mfa/route';
import * as resendInvitation from '@/app/api/v1/invitations/[id]/resend/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as roleById from '@/app/api/v1/roles/[id]/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import * as apiKeyOps from '@/lib/api/api-keys';
import * as identityOps from '@/lib/api/identity';
import * as invitationOps from '@/lib/api/invitations';
import * as memberOps from '@/lib/api/members';
import * as roleOps from '@/lib/api/roles';
import { resetEnvForTests } from '@/lib/env';
import type { Operation } from '@/lib/http/operation';
import { call, signIn, uniqueEmail, type Identity } from '../helpers/http';
import { addMember, roleIdsOf, type Member } from '../helpers/tenancy';

// Cross-tenant API tests (DESIGN.md "Tests"): tenant B, with its owner's API key and its owner's browser session,
// tries every foundation route against tenant A's resources. It must not read, change or even detect them: an id
// of A answers exactly like an id that exists nowhere.

const PLATFORM_TOKEN = `platform-${randomUUID()}`;
process.env.PLATFORM_ADMIN_TOKEN = PLATFORM_TOKEN;
const PASSWORD = 'correct horse battery';

type Handler = Parameters<typeof call>[0];

interface Tenant {
  id: string;
  ownerEmail: string;
  key: Identity;
  session: Identity;
  roles: Record<string, string>;
  ownerMembershipId: string;
}

async function provisionViaPlatform(name: string): Promise<Tenant> {
  const ownerEmail = uniqueEmail('owner');
  const res = await call(platformTenants.POST, {
    method: 'POST',
    path: '/api/platform/tenants',
    body: { name, ownerEmail, ownerPassword: PASSWORD },
    headers: { authorization: `Bearer ${PLATFORM_TOKEN}` },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const id: string = res.body.tenant.id;
  const key = { apiKey: res.body.apiKey.secret as string };
  const { cookie } = await signIn(ownerEmail, PASSWORD);
  const members = await call(membersRoute.GET, { path: '/api/v1/members', as: key });
  const ownerMembershipId = (members.body.items as { id: string; email: string }[]).find((m) => m.email === ownerEmail)?.id ?? '';
  return { id, ownerEmail, key, session: { cookie, tenantId: id }, roles: await roleIdsOf(key), ownerMembershipId };
}

let a: Tenant;
let b: Tenant;
// Tenant A's resources that B goes after.
const aRes = { memberId: '', customRoleId: '', keyId: '', keySecret: '', invitationId: '' };
let aMember: Member;

beforeAll(async () => {
  resetEnvForTests();
  a = await provisionViaPlatform('Alpha');
  b = await provisionViaPlatform('Bravo');
  aMember = await addMember(a.key, a.id, 'viewer');
  aRes.memberId = aMember.membershipId;
  const role = await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', body: { name: 'Auditors', permissions: ['members:read'] }, as: a.key });
  expect(role.status).toBe(201);
  aRes.customRoleId = role.body.id;
  const key = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'CI', scopes: ['members:read'] }, as: a.key });
  expect(key.status).toBe(201);
  aRes.keyId = key.body.id;
  aRes.keySecret = key.body.secret;
  const inv = await call(invitationsRoute.POST, {
    method: 'POST',
    path: '/api/v1/invitations',
    body: { email: uniqueEmail('invitee'), roleId: a.roles.member },
    as: a.key,
  });
  expect(inv.status).toBe(201);
  aRes.invitationId = inv.body.id;
  // B has one of everything too, so that its lists are not trivially empty.
  const bInv = await call(invitationsRoute.POST, {
    method: 'POST',
    path: '/api/v1/invitations',
    body: { email: uniqueEmail('invitee'), roleId: b.roles.member },
    as: b.key,
  });
  expect(bInv.status).toBe(201);
});

afterAll(() => {
  delete process.env.PLATFORM_ADMIN_TOKEN;
  resetEnvForTests();
});

const errorOf = (res: { status: number; body: any }) => ({ status: res.status, code: res.body?.error?.code, message: res.body?.error?.message });

interface ByIdCase {
  op: string;
  handler: Handler;
  method: string;
  path: (id: string) => string;
  body?: () => unknown;
  /** The id of A's resource that goes into the path. */
  target: () => string;
}

const BY_ID: ByIdCase[] = [
  { op: 'updateMember', handler: memberById.PATCH, method: 'PATCH', path: (id) => `/api/v1/members/${id}`, body: () => ({ roleId: b.roles.viewer }), target: () => aRes.memberId },
  { op: 'removeMember', handler: memberById.DELETE, method: 'DELETE', path: (id) => `/api/v1/members/${id}`, target: () => aRes.memberId },
  { op: 'revokeMemberSessions', handler: revokeSessions.POST, method: 'POST', path: (id) => `/api/v1/members/${id}/revoke-sessions`, target: () => aRes.memberId },
  { op: 'updateRole', handler: roleById.PATCH, method: 'PATCH', path: (id) => `/api/v1/roles/${id}`, body: () => ({ name: 'Hijacked' }), target: () => aRes.customRoleId },
  { op: 'deleteRole', handler: roleById.DELETE, method: 'DELETE', path: (id) => `/api/v1/roles/${id}`, target: () => aRes.customRoleId },
  { op: 'revokeApiKey', handler: apiKeyById.DELETE, method: 'DELETE', path: (id) => `/api/v1/api-keys/${id}`, target: () => aRes.keyId },
  { op: 'revokeInvitation', handler: invitationById.DELETE, method: 'DELETE', path: (id) => `/api/v1/invitations/${id}`, target: () => aRes.invitationId },
  { op: 'resendInvitation', handler: resendInvitation.POST, method: 'POST', path: (id) => `/api/v1/invitations/${id}/resend`, target: () => aRes.invitationId },
  { op: 'resetMemberMfa', handler: resetMfa.POST, method: 'POST', path: (id) => `/api/v1/members/${id}/reset-mfa`, target: () => aRes.memberId },
];

// A's ids smuggled into the body of B's own requests.
const IN_BODY: { name: string; handler: Handler; method: string; path: () => string; params?: () => Record<string, string>; body: (foreignId: string) => unknown; foreignId: () => string }[] = [
  {
    name: "PATCH B's own member to A's role",
    handler: memberById.PATCH,
    method: 'PATCH',
    path: () => `/api/v1/members/${b.ownerMembershipId}`,
    params: () => ({ id: b.ownerMembershipId }),
    body: (roleId) => ({ roleId }),
    foreignId: () => a.roles.viewer ?? '',
  },
  {
    name: "invite into B with A's role",
    handler: invitationsRoute.POST,
    method: 'POST',
    path: () => '/api/v1/invitations',
    body: (roleId) => ({ email: uniqueEmail('smuggle'), roleId }),
    foreignId: () => a.roles.viewer ?? '',
  },
  {
    name: "invite into B with A's custom role",
    handler: invitationsRoute.POST,
    method: 'POST',
    path: () => '/api/v1/invitations',
    body: (roleId) => ({ email: uniqueEmail('smuggle'), roleId }),
    foreignId: () => aRes.customRoleId,
  },
];

const LISTS: { op: string; handler: Handler; path: string }[] = [
  { op: 'listMembers', handler: membersRoute.GET, path: '/api/v1/members?limit=100' },
  { op: 'listRoles', handler: rolesRoute.GET, path: '/api/v1/roles' },
  { op: 'listApiKeys', handler: apiKeysRoute.GET, path: '/api/v1/api-keys?limit=100' },
  { op: 'listInvitations', handler: invitationsRoute.GET, path: '/api/v1/invitations?limit=100' },
];

// Operations covered elsewhere in this file, by a case that is not a simple list or by-id probe.
const COVERED_OTHERWISE: Record<string, string> = {
  getMe: "/me as B shows only B ('me' describe block)",
  switchTenant: "switching to A answers like an unknown tenant ('me' describe block)",
  signOutEverywhere: 'acts on the caller only; no id to aim at another tenant (tests/auth/sessions.test.ts)',
  listMySessions: "lists the caller's own sessions only; no id to aim at another tenant",
  createTenant: 'creates a new tenant; no foreign id involved',
  acceptInvitation: 'found by token, email must match (tests/auth/sessions.test.ts)',
  createRole: 'no foreign id can be given (strict body); grants checked in tests/api/permissions.test.ts',
  createApiKey: 'no foreign id can be given (strict body); scopes checked in tests/api/permissions.test.ts',
  createInvitation: "A's role ids in the body (IN_BODY)",
};

const identities = (): [string, Identity][] => [
  ["B's owner API key", b.key],
  ["B's owner session", b.session],
];

it('covers every foundation operation', () => {
  const ops = [identityOps, memberOps, roleOps, apiKeyOps, invitationOps].flatMap((m) =>
    Object.values(m as Record<string, unknown>).filter((v): v is Operation => typeof v === 'object' && v !== null && 'id' in v && 'method' in v),
  );
  const covered = new Set([...BY_ID.map((c) => c.op), ...LISTS.map((c) => c.op), ...Object.keys(COVERED_OTHERWISE)]);
  const uncovered = ops.map((o) => o.id).filter((id) => !covered.has(id));
  expect(uncovered, 'add a cross-tenant case for these operations').toEqual([]);
});

describe.each([0, 1])('as identity #%i of tenant B', (which) => {
  const who = () => identities()[which] as [string, Identity];

  it('lists never include a row of A', async () => {
    const [, as] = who();
    const aIds = [aRes.memberId, aRes.customRoleId, aRes.keyId, aRes.invitationId, a.ownerMembershipId, ...Object.values(a.roles)];
    for (const list of LISTS) {
      const res = await call(list.handler, { path: list.path, as });
      expect(res.status, list.path).toBe(200);
      const ids = (res.body.items as { id: string }[]).map((i) => i.id);
      expect(ids.length, list.path).toBeGreaterThan(0);
      expect(ids.filter((id) => aIds.includes(id)), list.path).toEqual([]);
      const text = JSON.stringify(res.body);
      for (const secret of [a.id, a.ownerEmail, aMember.email, aRes.keySecret.slice(0, 12)]) expect(text, list.path).not.toContain(secret);
    }
  });

  it.each(BY_ID.map((c) => [c.op, c] as const))("%s on A's id answers exactly like a random id", async (_op, c) => {
    const [, as] = who();
    const attempt = (id: string) => call(c.handler, { method: c.method, path: c.path(id), params: { id }, body: c.body?.(), as });
    const foreign = await attempt(c.target());
    const unknown = await attempt(randomUUID());
    expect(foreign.status, JSON.stringify(foreign.body)).toBe(404);
    expect(errorOf(foreign)).toEqual(errorOf(unknown));
  });

  it.each(IN_BODY.map((c) => [c.name, c] as const))('%s answers exactly like a random id', async (_name, c) => {
    const [, as] = who();
    const attempt = (id: string) => call(c.handler, { method: c.method, path: c.path(), params: c.params?.(), body: c.body(id), as });
    const foreign = await attempt(c.foreignId());
    const unknown = await attempt(randomUUID());
    expect(foreign.status, JSON.stringify(foreign.body)).toBe(404);
    expect(errorOf(foreign)).toEqual(errorOf(unknown));
  });
});

describe('choosing the tenant', () => {
  it("B's session aimed at A with X-Tenant-Id answers like a tenant that does not exist", async () => {
    for (const list of LISTS) {
      const foreign = await call(list.handler, { path: list.path, as: { cookie: (b.session as { cookie: string }).cookie, tenantId: a.id } });
      const unknown = await call(list.handler, { path: list.path, as: { cookie: (b.session as { cookie: string }).cookie, tenantId: randomUUID() } });
      expect(foreign.status, list.path).toBe(404);
      expect(errorOf(foreign)).toEqual(errorOf(unknown));
    }
  });

  it("an API key ignores X-Tenant-Id: A's key stays in A, B's key stays in B", async () => {
    const res = await call(membersRoute.GET, { path: '/api/v1/members', as: b.key, headers: { 'x-tenant-id': a.id } });
    expect(res.status).toBe(200);
    const emails = (res.body.items as { email: string }[]).map((m) => m.email);
    expect(emails).toEqual([b.ownerEmail]);
  });
});

describe('me', () => {
  it("/me as B's key and B's session shows B only", async () => {
    for (const [, as] of identities()) {
      const res = await call(meRoute.GET, { path: '/api/v1/me', as });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(a.id);
    }
    const viaKey = await call(meRoute.GET, { path: '/api/v1/me', as: b.key });
    expect(viaKey.body.tenant.id).toBe(b.id);
    const viaSession = await call(meRoute.GET, { path: '/api/v1/me', as: b.session });
    expect(viaSession.body.tenants.map((t: { id: string }) => t.id)).toEqual([b.id]);
  });

  it("switching B's session to A answers like switching to a tenant that does not exist", async () => {
    const cookie = (b.session as { cookie: string }).cookie;
    const attempt = (tenantId: string) => call(meTenant.POST, { method: 'POST', path: '/api/v1/me/tenant', body: { tenantId }, as: { cookie } });
    const foreign = await attempt(a.id);
    const unknown = await attempt(randomUUID());
    expect(foreign.status).toBe(404);
    expect(errorOf(foreign)).toEqual(errorOf(unknown));
    const me = await call(meRoute.GET, { path: '/api/v1/me', as: { cookie } });
    expect(me.body.tenant?.id ?? null).not.toBe(a.id);
  });
});

describe("after every attempt, A's resources are untouched", () => {
  it('member, role, key, invitation and sessions of A are as they were', async () => {
    const members = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: a.key });
    const member = (members.body.items as { id: string; role: { key: string } }[]).find((m) => m.id === aRes.memberId);
    expect(member?.role.key).toBe('viewer');
    const roles = await call(rolesRoute.GET, { path: '/api/v1/roles', as: a.key });
    expect((roles.body.items as { id: string; name: string }[]).find((r) => r.id === aRes.customRoleId)?.name).toBe('Auditors');
    const keys = await call(apiKeysRoute.GET, { path: '/api/v1/api-keys?limit=100', as: a.key });
    expect((keys.body.items as { id: string; revokedAt: string | null }[]).find((k) => k.id === aRes.keyId)?.revokedAt).toBeNull();
    const viaKey = await call(membersRoute.GET, { path: '/api/v1/members', as: { apiKey: aRes.keySecret } });
    expect(viaKey.status).toBe(200);
    const invitations = await call(invitationsRoute.GET, { path: '/api/v1/invitations?limit=100', as: a.key });
    expect((invitations.body.items as { id: string; status: string }[]).find((i) => i.id === aRes.invitationId)?.status).toBe('pending');
    // revoke-sessions aimed at A's member did nothing: their session still works.
    const memberSession = await call(membersRoute.GET, { path: '/api/v1/members', as: aMember.as });
    expect(memberSession.status).toBe(200);
    // B's own owner is still B's owner (A's role was refused).
    const bMembers = await call(membersRoute.GET, { path: '/api/v1/members', as: b.key });
    expect((bMembers.body.items as { role: { key: string } }[])[0]?.role.key).toBe('owner');
  });
});

describe('platform endpoint', () => {
  const provisionWith = (authorization?: string) =>
    call(platformTenants.POST, {
      method: 'POST',
      path: '/api/platform/tenants',
      body: { name: 'Charlie', ownerEmail: uniqueEmail('owner') },
      headers: authorization ? { authorization } : {},
    });

  it('answers 401 with a wrong or missing token', async () => {
    for (const auth of [`Bearer ${PLATFORM_TOKEN}x`, 'Bearer wrong-token-wrong-token-wrong', `Basic ${PLATFORM_TOKEN}`, undefined]) {
      const res = await provisionWith(auth);
      expect(res.status, String(auth)).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'unauthenticated', requestId: expect.any(String) });
    }
  });

  it('is invisible (404) when PLATFORM_ADMIN_TOKEN is not configured, even with the old token', async () => {
    delete process.env.PLATFORM_ADMIN_TOKEN;
    resetEnvForTests();
    try {
      const res = await provisionWith(`Bearer ${PLATFORM_TOKEN}`);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'not_found', requestId: expect.any(String) });
    } finally {
      process.env.PLATFORM_ADMIN_TOKEN = PLATFORM_TOKEN;
      resetEnvForTests();
    }
    expect((await provisionWith(`Bearer ${PLATFORM_TOKEN}`)).status).toBe(201);
  });
});
