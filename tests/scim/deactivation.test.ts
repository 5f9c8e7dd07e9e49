import { beforeAll, describe, expect, it } from 'vitest';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as meRoute from '@/app/api/v1/me/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { call, provision, signIn, type Identity } from '../helpers/http';
import { addMember, type Member } from '../helpers/tenancy';
import { createToken, expectScimError, findUser, PATCH_OP, routes, scim } from './scim-client';

// Deactivation through SCIM: the member's browser session and their API keys stop working in this organization
// on their very next request (the access check refuses a deactivated membership), their data stays, and
// reactivation restores access. The owner is out of SCIM's reach.

const { userById } = routes;
let owner: Identity;
let ownerEmail: string;
let token: string;
let member: Member;
let memberKey: Identity;
let scimId: string;

const setActive = (value: boolean | string) =>
  scim(userById.PATCH, token, {
    method: 'PATCH',
    path: `/Users/${scimId}`,
    params: { id: scimId },
    body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value }] },
  });

beforeAll(async () => {
  const t = await provision();
  owner = { apiKey: t.apiKey };
  ownerEmail = t.ownerEmail;
  token = (await createToken(owner)).token;
  member = await addMember(owner, t.tenantId, 'admin');
  const key = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'Laptop', scopes: ['tasks:read'] }, as: member.as });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  memberKey = { apiKey: key.body.secret };
  // A member invited by hand is a SCIM user too: the identity provider finds them by userName (their email).
  const found = await findUser(token, member.email);
  expect(found.body.totalResults).toBe(1);
  scimId = found.body.Resources[0].id;
  expect(scimId).toBe(member.membershipId);
});

describe('SCIM deactivation', () => {
  it('works before, is refused right after deactivation (session 403, API key 401), and works again after reactivation', async () => {
    expect((await call(tasksRoute.GET, { path: '/api/v1/tasks', as: member.as })).status).toBe(200);
    expect((await call(tasksRoute.GET, { path: '/api/v1/tasks', as: memberKey })).status).toBe(200);

    const off = await setActive('False');
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.active).toBe(false);

    const bySession = await call(tasksRoute.GET, { path: '/api/v1/tasks', as: member.as });
    expect(bySession.status).toBe(403);
    expect(bySession.body.error.message).toMatch(/deactivated/);
    const byKey = await call(tasksRoute.GET, { path: '/api/v1/tasks', as: memberKey });
    expect(byKey.status).toBe(401);
    // A fresh sign-in changes nothing: the membership itself is refused.
    const fresh = await signIn(member.email, member.password);
    expect((await call(tasksRoute.GET, { path: '/api/v1/tasks', as: { cookie: fresh.cookie, tenantId: member.as.tenantId } })).status).toBe(403);
    // The account itself still works, and no longer lists the organization it cannot enter.
    const me = await call(meRoute.GET, { path: '/api/v1/me', as: { cookie: member.cookie } });
    expect(me.status).toBe(200);
    expect(me.body.tenants.map((t: { id: string }) => t.id)).not.toContain(member.as.tenantId);
    expect(me.body.tenant).toBeNull();
    // Data is kept: the membership is still listed.
    const members = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: owner });
    expect(members.body.items.find((m: { id: string }) => m.id === scimId)).toMatchObject({ deactivated: true });

    const on = await setActive(true);
    expect(on.body.active).toBe(true);
    const meAgain = await call(meRoute.GET, { path: '/api/v1/me', as: { cookie: member.cookie } });
    expect(meAgain.body.tenants.map((t: { id: string }) => t.id)).toContain(member.as.tenantId);
    expect((await call(tasksRoute.GET, { path: '/api/v1/tasks', as: member.as })).status).toBe(200);
    expect((await call(tasksRoute.GET, { path: '/api/v1/tasks', as: memberKey })).status).toBe(200);
  });

  it('never deactivates or removes the owner', async () => {
    const found = await findUser(token, ownerEmail);
    const ownerId: string = found.body.Resources[0].id;
    const res = await scim(userById.PATCH, token, {
      method: 'PATCH',
      path: `/Users/${ownerId}`,
      params: { id: ownerId },
      body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] },
    });
    expectScimError(res, 400, 'mutability');
    expectScimError(await scim(userById.DELETE, token, { method: 'DELETE', path: `/Users/${ownerId}`, params: { id: ownerId } }), 400, 'mutability');
    expect((await call(tasksRoute.GET, { path: '/api/v1/tasks', as: owner })).status).toBe(200);
  });

  it('removes the membership on DELETE: the session and key are refused, the account remains', async () => {
    expect((await scim(userById.DELETE, token, { method: 'DELETE', path: `/Users/${scimId}`, params: { id: scimId } })).status).toBe(204);
    expect((await call(tasksRoute.GET, { path: '/api/v1/tasks', as: member.as })).status).toBe(404);
    expect((await call(tasksRoute.GET, { path: '/api/v1/tasks', as: memberKey })).status).toBe(401);
    expect((await call(meRoute.GET, { path: '/api/v1/me', as: { cookie: member.cookie } })).status).toBe(200);
  });
});
