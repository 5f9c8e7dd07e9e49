import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as memberById from '@/app/api/v1/members/[id]/route';
import * as revokeSessions from '@/app/api/v1/members/[id]/revoke-sessions/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as eraseRoute from '@/app/api/v1/privacy/users/[id]/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import { closeOwnerDb } from '../helpers/db';
import { call, provision, type Identity } from '../helpers/http';
import { addMember, type Member } from '../helpers/tenancy';

// Holding members:manage or privacy:manage is not enough to act on someone: the actor must also hold every
// permission the target holds, or a narrowly trusted role could sign out, remove or erase the people above it.

let owner: Identity;
let tenantId: string;
let admin: Member;
let memberManager: Member;
let privacyOfficer: Member;
let readerRoleId: string;

const remove = (as: Identity, m: Member) => call(memberById.DELETE, { method: 'DELETE', path: `/api/v1/members/${m.membershipId}`, params: { id: m.membershipId }, as });
const signOut = (as: Identity, m: Member) =>
  call(revokeSessions.POST, { method: 'POST', path: `/api/v1/members/${m.membershipId}/revoke-sessions`, params: { id: m.membershipId }, as });
const erase = (as: Identity, m: Member) =>
  call(eraseRoute.DELETE, { method: 'DELETE', path: `/api/v1/privacy/users/${m.membershipId}`, params: { id: m.membershipId }, as });
const changeRole = (as: Identity, m: Member, roleId: string) =>
  call(memberById.PATCH, { method: 'PATCH', path: `/api/v1/members/${m.membershipId}`, params: { id: m.membershipId }, body: { roleId }, as });

async function customRole(name: string, permissions: string[]): Promise<string> {
  const res = await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', body: { name, permissions }, as: owner });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

async function isMember(m: Member): Promise<boolean> {
  const list = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: owner });
  return (list.body.items as { id: string }[]).some((x) => x.id === m.membershipId);
}

function expectRefused(res: Awaited<ReturnType<typeof call>>, missing: RegExp): void {
  expect(res.status, JSON.stringify(res.body)).toBe(403);
  expect(res.body.error.code).toBe('forbidden');
  expect(res.body.error.message).toMatch(/holds permissions you do not/);
  expect(res.body.error.message).toMatch(missing);
}

beforeAll(async () => {
  const t = await provision();
  owner = { apiKey: t.apiKey };
  tenantId = t.tenantId;
  admin = await addMember(owner, tenantId, 'admin');
  memberManager = await addMember(owner, tenantId, await customRole('Member manager', ['members:read', 'members:manage']));
  privacyOfficer = await addMember(owner, tenantId, await customRole('Privacy officer', ['members:read', 'privacy:manage']));
  readerRoleId = await customRole('Directory reader', ['members:read', 'privacy:export']);
});

afterAll(async () => {
  await closeOwnerDb();
});

describe('acting on a member needs every permission they hold', () => {
  it('members:manage alone cannot remove, sign out or re-role an admin', async () => {
    expectRefused(await remove(memberManager.as, admin), /documents:read/);
    expectRefused(await signOut(memberManager.as, admin), /apikeys:manage/);
    expectRefused(await changeRole(memberManager.as, admin, readerRoleId), /settings:manage/);
    expect(await isMember(admin)).toBe(true);
  });

  it('privacy:manage alone cannot erase an admin', async () => {
    expectRefused(await erase(privacyOfficer.as, admin), /tenant|documents:read/);
    expect(await isMember(admin)).toBe(true);
  });

  it('an API key is held to its own scopes, not its creator’s role', async () => {
    const key = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'members only', scopes: ['members:read', 'members:manage'] }, as: owner });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    expectRefused(await remove({ apiKey: key.body.secret }, admin), /documents:read/);
    expect(await isMember(admin)).toBe(true);
  });

  it('still acts on members whose permissions the actor covers (the export-your-own-data permission does not count)', async () => {
    const first = await addMember(owner, tenantId, readerRoleId);
    const second = await addMember(owner, tenantId, readerRoleId);
    const third = await addMember(owner, tenantId, readerRoleId);
    expect((await signOut(memberManager.as, first)).status).toBe(200);
    expect((await remove(memberManager.as, first)).status).toBe(204);
    expect(await isMember(first)).toBe(false);
    expect((await erase(privacyOfficer.as, second)).status).toBe(200);
    expect(await isMember(second)).toBe(false);
    // An admin covers another admin's permissions (and everyone below).
    expect((await remove(admin.as, third)).status).toBe(204);
    const peer = await addMember(owner, tenantId, 'admin');
    expect((await signOut(admin.as, peer)).status).toBe(200);
  });
});
