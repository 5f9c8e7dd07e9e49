import { beforeAll, describe, expect, it } from 'vitest';
import * as membersRoute from '@/app/api/v1/members/route';
import * as mapGroupRoute from '@/app/api/v1/settings/scim/groups/[id]/route';
import { call, provision, signUp, uniqueEmail, type Identity } from '../helpers/http';
import { roleIdsOf } from '../helpers/tenancy';
import { createToken, expectScimError, findUser, GROUP_SCHEMA, PATCH_OP, routes, scim, USER_SCHEMA } from './scim-client';

// The request sequence Azure AD (Entra ID) provisioning sends (learn.microsoft.com "Tutorial: Develop and plan
// provisioning for a SCIM endpoint"): capitalized ops, string booleans ("False"), the enterprise extension,
// dotted keys in path-less values, `members` add/remove with a value list or a `members[value eq "…"]` path.

const { usersRoute, userById, groupsRoute, groupById } = routes;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
let admin: Identity;
let token: string;

beforeAll(async () => {
  const t = await provision();
  admin = { apiKey: t.apiKey };
  token = (await createToken(admin, 'Azure AD')).token;
});

async function memberRole(userId: string): Promise<string | undefined> {
  const members = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: admin });
  return members.body.items.find((m: { id: string }) => m.id === userId)?.role.key;
}

describe('Azure AD user lifecycle', () => {
  const userName = uniqueEmail('azure');
  let userId: string;

  it('GET filter → POST with the enterprise extension → PATCH Replace active "False" → DELETE', async () => {
    const lookup = await findUser(token, userName);
    expect(lookup.body.totalResults).toBe(0);

    const created = await scim(usersRoute.POST, token, {
      method: 'POST',
      path: '/Users',
      body: {
        schemas: [USER_SCHEMA, ENTERPRISE],
        externalId: 'azure-object-1',
        userName,
        active: true,
        emails: [{ primary: true, type: 'work', value: userName }],
        meta: { resourceType: 'User' },
        name: { formatted: 'Alan Turing', familyName: 'Turing', givenName: 'Alan' },
        roles: [],
        title: 'Mathematician',
        [ENTERPRISE]: { department: 'Research', manager: { value: '' } },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    userId = created.body.id;
    expect(created.body).toMatchObject({ userName, externalId: 'azure-object-1', active: true, name: { formatted: 'Alan Turing' } });

    const byExternal = await scim(usersRoute.GET, token, { path: `/Users?filter=${encodeURIComponent('externalId eq "azure-object-1"')}` });
    expect(byExternal.body.Resources.map((u: { id: string }) => u.id)).toEqual([userId]);

    const updated = await scim(userById.PATCH, token, {
      method: 'PATCH',
      path: `/Users/${userId}`,
      params: { id: userId },
      body: {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Replace', path: 'name.givenName', value: 'Alan M.' },
          { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Cryptanalysis' },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'other@example.test' },
          { op: 'Replace', value: { 'name.familyName': 'Turing OBE', displayName: 'Alan Turing' } },
        ],
      },
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.name).toMatchObject({ givenName: 'Alan M.', familyName: 'Turing OBE' });
    expect(updated.body.displayName).toBe('Alan Turing');
    // The account's email (its sign-in identity) is not changed through SCIM.
    expect(updated.body.emails[0].value).toBe(userName);

    const off = await scim(userById.PATCH, token, {
      method: 'PATCH',
      path: `/Users/${userId}`,
      params: { id: userId },
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.active).toBe(false);

    const del = await scim(userById.DELETE, token, { method: 'DELETE', path: `/Users/${userId}`, params: { id: userId } });
    expect(del.status).toBe(204);
    expectScimError(await scim(userById.GET, token, { path: `/Users/${userId}`, params: { id: userId } }), 404);
    expectScimError(await scim(userById.DELETE, token, { method: 'DELETE', path: `/Users/${userId}`, params: { id: userId } }), 404);
    expect(await memberRole(userId)).toBeUndefined();
  });

  it('links an existing Reflex account by email instead of creating a second one, and DELETE keeps the account', async () => {
    const person = await signUp(uniqueEmail('existing'));
    const created = await scim(usersRoute.POST, token, { method: 'POST', path: '/Users', body: { schemas: [USER_SCHEMA], userName: person.email, active: true } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const members = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: admin });
    expect(members.body.items.find((m: { id: string }) => m.id === created.body.id).userId).toBe(person.userId);
    expect((await scim(userById.DELETE, token, { method: 'DELETE', path: `/Users/${created.body.id}`, params: { id: created.body.id } })).status).toBe(204);
    // The account still exists and can create it again (linked to the same account).
    const again = await scim(usersRoute.POST, token, { method: 'POST', path: '/Users', body: { schemas: [USER_SCHEMA], userName: person.email } });
    expect(again.status).toBe(201);
    const after = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: admin });
    expect(after.body.items.find((m: { id: string }) => m.id === again.body.id).userId).toBe(person.userId);
  });
});

describe('Azure AD groups', () => {
  it('creates a group, adds and removes members the two ways Azure AD sends, and the role follows the most privileged group', async () => {
    const roles = await roleIdsOf(admin);
    const mapGroup = mapGroupRoute.PATCH;

    const a = await scim(usersRoute.POST, token, { method: 'POST', path: '/Users', body: { schemas: [USER_SCHEMA], userName: uniqueEmail('az-a'), active: true } });
    const b = await scim(usersRoute.POST, token, { method: 'POST', path: '/Users', body: { schemas: [USER_SCHEMA], userName: uniqueEmail('az-b'), active: true } });
    const viewers = await scim(groupsRoute.POST, token, { method: 'POST', path: '/Groups', body: { schemas: [GROUP_SCHEMA], externalId: 'g-view', displayName: 'Viewers', members: [] } });
    const admins = await scim(groupsRoute.POST, token, { method: 'POST', path: '/Groups', body: { schemas: [GROUP_SCHEMA], externalId: 'g-adm', displayName: 'Admins', members: [] } });
    expect(viewers.status).toBe(201);
    expect(admins.status).toBe(201);
    expect((await call(mapGroup, { method: 'PATCH', path: '/x', params: { id: viewers.body.id }, body: { roleId: roles.viewer }, as: admin })).status).toBe(200);
    expect((await call(mapGroup, { method: 'PATCH', path: '/x', params: { id: admins.body.id }, body: { roleId: roles.admin }, as: admin })).status).toBe(200);

    const dup = await scim(groupsRoute.POST, token, { method: 'POST', path: '/Groups', body: { schemas: [GROUP_SCHEMA], displayName: 'viewers' } });
    expectScimError(dup, 409, 'uniqueness');
    const byName = await scim(groupsRoute.GET, token, { path: `/Groups?filter=${encodeURIComponent('displayName eq "Viewers"')}&excludedAttributes=members` });
    expect(byName.body.Resources).toEqual([expect.objectContaining({ id: viewers.body.id, displayName: 'Viewers' })]);
    expect(byName.body.Resources[0]).not.toHaveProperty('members');

    const add = (groupId: string, ids: string[]) =>
      scim(groupById.PATCH, token, {
        method: 'PATCH',
        path: `/Groups/${groupId}`,
        params: { id: groupId },
        body: { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }] },
      });
    expect((await add(viewers.body.id, [a.body.id, b.body.id])).status).toBe(200);
    expect(await memberRole(a.body.id)).toBe('viewer');
    expect((await add(admins.body.id, [a.body.id])).status).toBe(200);
    expect(await memberRole(a.body.id)).toBe('admin');
    expect(await memberRole(b.body.id)).toBe('viewer');

    // Azure AD: Remove with a value list.
    const removeList = await scim(groupById.PATCH, token, {
      method: 'PATCH',
      path: `/Groups/${admins.body.id}`,
      params: { id: admins.body.id },
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ value: a.body.id }] }] },
    });
    expect(removeList.status, JSON.stringify(removeList.body)).toBe(200);
    expect(await memberRole(a.body.id)).toBe('viewer');

    // And with a value filter in the path.
    const removeFilter = await scim(groupById.PATCH, token, {
      method: 'PATCH',
      path: `/Groups/${viewers.body.id}`,
      params: { id: viewers.body.id },
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: `members[value eq "${b.body.id}"]` }] },
    });
    expect(removeFilter.status).toBe(200);
    expect(removeFilter.body.members.map((m: { value: string }) => m.value)).toEqual([a.body.id]);
    expect(await memberRole(b.body.id)).toBe('member');

    // Azure AD renames with a Replace of displayName.
    const renamed = await scim(groupById.PATCH, token, {
      method: 'PATCH',
      path: `/Groups/${viewers.body.id}`,
      params: { id: viewers.body.id },
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: 'Readers' }] },
    });
    expect(renamed.body.displayName).toBe('Readers');

    // PUT replaces members wholesale.
    const put = await scim(groupById.PUT, token, {
      method: 'PUT',
      path: `/Groups/${viewers.body.id}`,
      params: { id: viewers.body.id },
      body: { schemas: [GROUP_SCHEMA], displayName: 'Readers', members: [{ value: b.body.id }] },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.members.map((m: { value: string }) => m.value)).toEqual([b.body.id]);
    expect(await memberRole(a.body.id)).toBe('member');
    expect(await memberRole(b.body.id)).toBe('viewer');

    // A member id that is not a user of this organization is refused, whatever it is.
    expectScimError(await add(viewers.body.id, ['00000000-0000-4000-8000-000000000000']), 400, 'invalidValue');
  });
});
