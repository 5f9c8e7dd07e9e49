import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as apiKeyById from '@/app/api/v1/api-keys/[id]/route';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as invitationById from '@/app/api/v1/invitations/[id]/route';
import * as invitationsRoute from '@/app/api/v1/invitations/route';
import * as meRoute from '@/app/api/v1/me/route';
import * as memberById from '@/app/api/v1/members/[id]/route';
import * as revokeSessions from '@/app/api/v1/members/[id]/revoke-sessions/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as roleById from '@/app/api/v1/roles/[id]/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import { forgetAccessDecisions } from '@/lib/tenancy/access-cache';
import { closeOwnerDb, ownerRows } from '../helpers/db';
import { call, provision, uniqueEmail, type Identity } from '../helpers/http';
import { addMember, roleIdsOf, type Member } from '../helpers/tenancy';

type Handler = Parameters<typeof call>[0];
type Res = Awaited<ReturnType<typeof call>>;

function expectError(res: Res, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ error: { code, message: expect.any(String), requestId: expect.any(String) } });
}

const post = (handler: Handler, path: string, body: unknown, as: Identity) => call(handler, { method: 'POST', path, body, as });
const patch = (handler: Handler, path: string, id: string, body: unknown, as: Identity) => call(handler, { method: 'PATCH', path, params: { id }, body, as });
const del = (handler: Handler, path: string, id: string, as: Identity) => call(handler, { method: 'DELETE', path, params: { id }, as });

let t: Awaited<ReturnType<typeof provision>>;
let owner: Identity;
let roles: Record<string, string>;
let admin: Member;
let member: Member;
let viewer: Member;
// Existing resources the unprivileged try to touch.
const res = { customRoleId: '', invitationId: '', keyId: '' };

async function createRole(as: Identity, name: string, permissions: string[]) {
  return post(rolesRoute.POST, '/api/v1/roles', { name, permissions }, as);
}

async function memberRole(membershipId: string): Promise<string | undefined> {
  const list = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: owner });
  return (list.body.items as { id: string; role: { key: string } }[]).find((m) => m.id === membershipId)?.role.key;
}

beforeAll(async () => {
  t = await provision();
  owner = { apiKey: t.apiKey };
  roles = await roleIdsOf(owner);
  admin = await addMember(owner, t.tenantId, 'admin');
  member = await addMember(owner, t.tenantId, 'member');
  viewer = await addMember(owner, t.tenantId, 'viewer');
  const role = await createRole(owner, 'Existing', ['members:read']);
  res.customRoleId = role.body.id;
  const inv = await post(invitationsRoute.POST, '/api/v1/invitations', { email: uniqueEmail('pending'), roleId: roles.viewer }, owner);
  res.invitationId = inv.body.id;
  const key = await post(apiKeysRoute.POST, '/api/v1/api-keys', { name: 'Existing', scopes: ['members:read'] }, owner);
  res.keyId = key.body.id;
});

afterAll(closeOwnerDb);

describe.each(['viewer', 'member'] as const)('a %s', (who) => {
  const as = () => (who === 'viewer' ? viewer : member).as;
  const target = () => admin.membershipId;

  it('can read members and roles', async () => {
    expect((await call(membersRoute.GET, { path: '/api/v1/members', as: as() })).status).toBe(200);
    expect((await call(rolesRoute.GET, { path: '/api/v1/roles', as: as() })).status).toBe(200);
  });

  it('cannot manage members, roles, invitations or API keys (403 with the error shape), and nothing changes', async () => {
    const before = await Promise.all([memberRole(target()), call(rolesRoute.GET, { path: '/api/v1/roles', as: owner })]);
    const attempts: [string, Promise<Res>][] = [
      ['change a role', patch(memberById.PATCH, `/api/v1/members/${target()}`, target(), { roleId: roles.viewer }, as())],
      ['remove a member', del(memberById.DELETE, `/api/v1/members/${target()}`, target(), as())],
      ['revoke sessions', call(revokeSessions.POST, { method: 'POST', path: `/api/v1/members/${target()}/revoke-sessions`, params: { id: target() }, as: as() })],
      ['invite', post(invitationsRoute.POST, '/api/v1/invitations', { email: uniqueEmail('x'), roleId: roles.viewer }, as())],
      ['revoke an invitation', del(invitationById.DELETE, `/api/v1/invitations/${res.invitationId}`, res.invitationId, as())],
      ['create a role', createRole(as(), 'Sneaky', ['members:read'])],
      ['edit a role', patch(roleById.PATCH, `/api/v1/roles/${res.customRoleId}`, res.customRoleId, { name: 'Renamed' }, as())],
      ['delete a role', del(roleById.DELETE, `/api/v1/roles/${res.customRoleId}`, res.customRoleId, as())],
      ['list API keys', call(apiKeysRoute.GET, { path: '/api/v1/api-keys', as: as() })],
      ['create an API key', post(apiKeysRoute.POST, '/api/v1/api-keys', { name: 'Mine', scopes: ['members:read'] }, as())],
      ['revoke an API key', del(apiKeyById.DELETE, `/api/v1/api-keys/${res.keyId}`, res.keyId, as())],
    ];
    for (const [what, p] of attempts) {
      const r = await p;
      expect(r.status, what).toBe(403);
      expectError(r, 403, 'forbidden');
    }
    const after = await Promise.all([memberRole(target()), call(rolesRoute.GET, { path: '/api/v1/roles', as: owner })]);
    expect(after[0]).toBe(before[0]);
    expect(after[1].body).toEqual(before[1].body);
    const keys = await call(apiKeysRoute.GET, { path: '/api/v1/api-keys', as: owner });
    expect((keys.body.items as { id: string; revokedAt: string | null }[]).find((k) => k.id === res.keyId)?.revokedAt).toBeNull();
  });
});

describe('owner role', () => {
  it('an admin can change ordinary roles but cannot make anyone owner, nor demote or remove an owner', async () => {
    const extra = await addMember(owner, t.tenantId, 'viewer');
    const promoted = await patch(memberById.PATCH, `/api/v1/members/${extra.membershipId}`, extra.membershipId, { roleId: roles.member }, admin.as);
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(200);
    expectError(await patch(memberById.PATCH, `/api/v1/members/${extra.membershipId}`, extra.membershipId, { roleId: roles.owner }, admin.as), 403, 'forbidden');
    expectError(await patch(memberById.PATCH, `/api/v1/members/${admin.membershipId}`, admin.membershipId, { roleId: roles.owner }, admin.as), 403, 'forbidden');
    const ownerMembership = (await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: owner })).body.items.find(
      (m: { email: string }) => m.email === t.ownerEmail,
    ).id as string;
    expectError(await patch(memberById.PATCH, `/api/v1/members/${ownerMembership}`, ownerMembership, { roleId: roles.admin }, admin.as), 403, 'forbidden');
    expectError(await del(memberById.DELETE, `/api/v1/members/${ownerMembership}`, ownerMembership, admin.as), 403, 'forbidden');
    expect(await memberRole(ownerMembership)).toBe('owner');
    expect(await memberRole(extra.membershipId)).toBe('member');
    expectError(await post(invitationsRoute.POST, '/api/v1/invitations', { email: uniqueEmail('boss'), roleId: roles.owner }, admin.as), 403, 'forbidden');
  });

  it('the last owner can be neither demoted nor removed (409); with a second owner both work', async () => {
    const solo = await provision();
    const soloOwner = { apiKey: solo.apiKey };
    const soloRoles = await roleIdsOf(soloOwner);
    const list = await call(membersRoute.GET, { path: '/api/v1/members', as: soloOwner });
    const ownerId = list.body.items[0].id as string;
    expectError(await patch(memberById.PATCH, `/api/v1/members/${ownerId}`, ownerId, { roleId: soloRoles.admin }, soloOwner), 409, 'conflict');
    expectError(await del(memberById.DELETE, `/api/v1/members/${ownerId}`, ownerId, soloOwner), 409, 'conflict');
    const second = await addMember(soloOwner, solo.tenantId, 'admin');
    const made = await patch(memberById.PATCH, `/api/v1/members/${second.membershipId}`, second.membershipId, { roleId: soloRoles.owner }, soloOwner);
    expect(made.body.role?.key).toBe('owner');
    // Now the first owner may step down, and the second, as the last owner, may not.
    expect((await patch(memberById.PATCH, `/api/v1/members/${ownerId}`, ownerId, { roleId: soloRoles.admin }, second.as)).status).toBe(200);
    expectError(await patch(memberById.PATCH, `/api/v1/members/${second.membershipId}`, second.membershipId, { roleId: soloRoles.admin }, second.as), 409, 'conflict');
    expectError(await del(memberById.DELETE, `/api/v1/members/${second.membershipId}`, second.membershipId, second.as), 409, 'conflict');
  });
});

describe('nobody grants what they do not hold', () => {
  it('an admin (everything but tenant:manage) cannot put tenant:manage into a role, an API key or an invitation', async () => {
    expectError(await createRole(admin.as, 'Eraser', ['tenant:manage']), 403, 'forbidden');
    expectError(await patch(roleById.PATCH, `/api/v1/roles/${res.customRoleId}`, res.customRoleId, { permissions: ['members:read', 'tenant:manage'] }, admin.as), 403, 'forbidden');
    expectError(await post(apiKeysRoute.POST, '/api/v1/api-keys', { name: 'Eraser', scopes: ['tenant:manage'] }, admin.as), 403, 'forbidden');
    expect((await createRole(admin.as, 'Helpers', ['members:read', 'roles:manage'])).status).toBe(201);
    expect((await post(apiKeysRoute.POST, '/api/v1/api-keys', { name: 'Admin key', scopes: ['members:read'] }, admin.as)).status).toBe(201);
  });

  it('a custom role manager cannot widen any role, including their own', async () => {
    const managerRole = await createRole(owner, 'Role manager', ['members:read', 'roles:manage']);
    const manager = await addMember(owner, t.tenantId, managerRole.body.id);
    expectError(await createRole(manager.as, 'Key maker', ['apikeys:manage']), 403, 'forbidden');
    expectError(
      await patch(roleById.PATCH, `/api/v1/roles/${managerRole.body.id}`, managerRole.body.id, { permissions: ['members:read', 'roles:manage', 'apikeys:manage'] }, manager.as),
      403,
      'forbidden',
    );
    expectError(await patch(roleById.PATCH, `/api/v1/roles/${res.customRoleId}`, res.customRoleId, { permissions: ['members:manage'] }, manager.as), 403, 'forbidden');
    // Within their grant they may work, and nothing they hold lets them reach members.
    expect((await createRole(manager.as, 'Readers', ['members:read'])).status).toBe(201);
    expectError(await patch(memberById.PATCH, `/api/v1/members/${manager.membershipId}`, manager.membershipId, { roleId: roles.admin }, manager.as), 403, 'forbidden');
    const after = await call(rolesRoute.GET, { path: '/api/v1/roles', as: owner });
    expect((after.body.items as { id: string; permissions: string[] }[]).find((r) => r.id === managerRole.body.id)?.permissions).toEqual(['members:read', 'roles:manage']);
  });

  it('a recruiter (members:manage) can only invite into, or assign, roles within their own grant', async () => {
    const recruiterRole = await createRole(owner, 'Recruiter', ['members:read', 'members:manage']);
    const readers = await createRole(owner, 'Plain readers', ['members:read']);
    const recruiter = await addMember(owner, t.tenantId, recruiterRole.body.id);
    expect((await post(invitationsRoute.POST, '/api/v1/invitations', { email: uniqueEmail('ok'), roleId: readers.body.id }, recruiter.as)).status).toBe(201);
    for (const key of ['viewer', 'admin', 'owner']) {
      expectError(await post(invitationsRoute.POST, '/api/v1/invitations', { email: uniqueEmail(key), roleId: roles[key] }, recruiter.as), 403, 'forbidden');
    }
    expectError(await patch(memberById.PATCH, `/api/v1/members/${recruiter.membershipId}`, recruiter.membershipId, { roleId: roles.admin }, recruiter.as), 403, 'forbidden');
    expect(await memberRole(recruiter.membershipId)).toBe(recruiterRole.body.key);
  });
});

describe('API keys', () => {
  it('a key scoped to members:read can read members and nothing more', async () => {
    const created = await post(apiKeysRoute.POST, '/api/v1/api-keys', { name: 'Reader', scopes: ['members:read'] }, owner);
    const key = { apiKey: created.body.secret as string };
    expect((await call(membersRoute.GET, { path: '/api/v1/members', as: key })).status).toBe(200);
    expectError(await createRole(key, 'From a key', ['members:read']), 403, 'forbidden');
    expectError(await call(apiKeysRoute.GET, { path: '/api/v1/api-keys', as: key }), 403, 'forbidden');
    expectError(await post(apiKeysRoute.POST, '/api/v1/api-keys', { name: 'Child', scopes: ['members:read'] }, key), 403, 'forbidden');
    expectError(await post(invitationsRoute.POST, '/api/v1/invitations', { email: uniqueEmail('k'), roleId: roles.viewer }, key), 403, 'forbidden');
    const me = await call(meRoute.GET, { path: '/api/v1/me', as: key });
    expect(me.body.permissions).toEqual(['members:read']);
  });

  it("a key shrinks with its creator's role and stops working when the creator leaves", async () => {
    const creator = await addMember(owner, t.tenantId, 'admin');
    const created = await post(apiKeysRoute.POST, '/api/v1/api-keys', { name: 'Automation', scopes: ['members:read', 'members:manage', 'roles:manage'] }, creator.as);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const key = { apiKey: created.body.secret as string };
    expect((await createRole(key, `Before ${randomUUID().slice(0, 4)}`, ['members:read'])).status).toBe(201);

    expect((await patch(memberById.PATCH, `/api/v1/members/${creator.membershipId}`, creator.membershipId, { roleId: roles.member }, owner)).status).toBe(200);
    expectError(await createRole(key, 'After demotion', ['members:read']), 403, 'forbidden');
    expectError(await patch(memberById.PATCH, `/api/v1/members/${viewer.membershipId}`, viewer.membershipId, { roleId: roles.member }, key), 403, 'forbidden');
    expect((await call(membersRoute.GET, { path: '/api/v1/members', as: key })).status).toBe(200);
    expect((await call(meRoute.GET, { path: '/api/v1/me', as: key })).body.permissions).toEqual(['members:read']);

    expect((await del(memberById.DELETE, `/api/v1/members/${creator.membershipId}`, creator.membershipId, owner)).status).toBe(204);
    expectError(await call(membersRoute.GET, { path: '/api/v1/members', as: key }), 401, 'unauthenticated');
  });

  it("a key stops working when its creator's account is deleted (created_by becomes null)", async () => {
    const creator = await addMember(owner, t.tenantId, 'admin');
    const created = await post(apiKeysRoute.POST, '/api/v1/api-keys', { name: 'Orphan', scopes: ['members:read', 'roles:manage'] }, creator.as);
    const key = { apiKey: created.body.secret as string };
    expect((await call(membersRoute.GET, { path: '/api/v1/members', as: key })).status).toBe(200);
    // What erasing a person does at the platform level: the user row goes, memberships cascade, keys keep a null creator.
    await ownerRows(sql`delete from "user" where id = ${creator.userId}`);
    const [row] = await ownerRows<{ created_by: string | null }>(sql`select created_by from api_keys where id = ${created.body.id}`);
    expect(row).toEqual({ created_by: null });
    // A change made outside this instance's requests reaches its reads within ACCESS_CACHE_TTL_MS
    // (tests/security/access-cache.test.ts proves that); here the TTL is skipped instead of waited for.
    forgetAccessDecisions();
    expectError(await call(membersRoute.GET, { path: '/api/v1/members', as: key }), 401, 'unauthenticated');
    expectError(await createRole(key, 'Orphaned', ['members:read']), 401, 'unauthenticated');
  });
});
