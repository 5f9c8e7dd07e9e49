import { beforeAll, describe, expect, it } from 'vitest';
import * as auditRoute from '@/app/api/v1/audit/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as scimSettings from '@/app/api/v1/settings/scim/route';
import * as mapGroup from '@/app/api/v1/settings/scim/groups/[id]/route';
import { call, provision, type Identity } from '../helpers/http';
import { roleIdsOf } from '../helpers/tenancy';
import { createToken, findUser, GROUP_SCHEMA, PATCH_OP, routes, scim, USER_SCHEMA } from './scim-client';

// The request sequence Okta's SCIM 2.0 app sends (developer.okta.com "SCIM 2.0 protocol reference"): look the
// user up by userName, create them, update with PUT, deactivate with a PATCH of `active` (no path, an object
// value), push a group and change its members with PATCH add / remove by value filter.

const { usersRoute, userById, groupsRoute, groupById } = routes;
let admin: Identity;
let token: string;

beforeAll(async () => {
  const t = await provision();
  admin = { apiKey: t.apiKey };
  token = (await createToken(admin, 'Okta')).token;
});

describe('Okta user lifecycle', () => {
  let userId: string;
  const userName = `okta-${Date.now()}@example.test`;

  it('finds nobody, then creates the user with the default role', async () => {
    const empty = await findUser(token, userName);
    expect(empty.status).toBe(200);
    expect(empty.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(empty.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] });

    const created = await scim(usersRoute.POST, token, {
      method: 'POST',
      path: '/Users',
      body: {
        schemas: [USER_SCHEMA],
        userName,
        name: { givenName: 'Grace', familyName: 'Hopper' },
        emails: [{ primary: true, value: userName, type: 'work' }],
        displayName: 'Grace Hopper',
        locale: 'en-US',
        externalId: '00u1okta',
        groups: [],
        password: 'ignored-by-reflex',
        active: true,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers.get('location')).toBe(`http://localhost:3000/api/scim/v2/Users/${created.body.id}`);
    expect(created.body).toMatchObject({ userName, externalId: '00u1okta', active: true, displayName: 'Grace Hopper', name: { givenName: 'Grace', familyName: 'Hopper' } });
    userId = created.body.id;

    const found = await findUser(token, userName.toUpperCase());
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(userId);

    const members = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: admin });
    const member = members.body.items.find((m: { id: string }) => m.id === userId);
    expect(member).toMatchObject({ email: userName, role: { key: 'member' }, name: 'Grace Hopper' });
  });

  it('refuses a second user with the same userName (409 uniqueness)', async () => {
    const again = await scim(usersRoute.POST, token, { method: 'POST', path: '/Users', body: { schemas: [USER_SCHEMA], userName, emails: [{ value: userName }] } });
    expect(again.status).toBe(409);
    expect(again.body.scimType).toBe('uniqueness');
  });

  it('replaces the user with PUT', async () => {
    const put = await scim(userById.PUT, token, {
      method: 'PUT',
      path: `/Users/${userId}`,
      params: { id: userId },
      body: { schemas: [USER_SCHEMA], id: userId, userName, name: { givenName: 'Grace', familyName: 'Murray Hopper' }, emails: [{ value: userName, primary: true }], active: true },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.name).toMatchObject({ givenName: 'Grace', familyName: 'Murray Hopper' });
    expect(put.body).not.toHaveProperty('externalId');
  });

  it('deactivates with PATCH Operations and reactivates', async () => {
    const off = await scim(userById.PATCH, token, {
      method: 'PATCH',
      path: `/Users/${userId}`,
      params: { id: userId },
      body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] },
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.active).toBe(false);
    const inactive = await scim(usersRoute.GET, token, { path: `/Users?filter=${encodeURIComponent('active eq false')}` });
    expect(inactive.body.Resources.map((u: { id: string }) => u.id)).toEqual([userId]);

    const on = await scim(userById.PATCH, token, {
      method: 'PATCH',
      path: `/Users/${userId}`,
      params: { id: userId },
      body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: true } }] },
    });
    expect(on.body.active).toBe(true);
  });

  it('pushes a group, maps it to a role, and membership changes move the role', async () => {
    const roles = await roleIdsOf(admin);
    const group = await scim(groupsRoute.POST, token, { method: 'POST', path: '/Groups', body: { schemas: [GROUP_SCHEMA], displayName: 'Okta Admins', members: [] } });
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    const groupId: string = group.body.id;

    const mapped = await call(mapGroup.PATCH, { method: 'PATCH', path: `/api/v1/settings/scim/groups/${groupId}`, params: { id: groupId }, body: { roleId: roles.admin }, as: admin });
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(200);
    expect(mapped.body).toMatchObject({ displayName: 'Okta Admins', role: { id: roles.admin } });

    const added = await scim(groupById.PATCH, token, {
      method: 'PATCH',
      path: `/Groups/${groupId}`,
      params: { id: groupId },
      body: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: userId, display: userName }] }] },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.members.map((m: { value: string }) => m.value)).toEqual([userId]);
    const asAdmin = await scim(userById.GET, token, { path: `/Users/${userId}`, params: { id: userId } });
    expect(asAdmin.body.groups).toEqual([expect.objectContaining({ value: groupId, display: 'Okta Admins' })]);
    let members = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: admin });
    expect(members.body.items.find((m: { id: string }) => m.id === userId).role.key).toBe('admin');

    // Okta renames with a replace of the whole group's attributes.
    const renamed = await scim(groupById.PATCH, token, {
      method: 'PATCH',
      path: `/Groups/${groupId}`,
      params: { id: groupId },
      body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { id: groupId, displayName: 'Okta Administrators' } }] },
    });
    expect(renamed.body.displayName).toBe('Okta Administrators');

    const removed = await scim(groupById.PATCH, token, {
      method: 'PATCH',
      path: `/Groups/${groupId}`,
      params: { id: groupId },
      body: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${userId}"]` }] },
    });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body.members).toEqual([]);
    members = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: admin });
    expect(members.body.items.find((m: { id: string }) => m.id === userId).role.key).toBe('member');

    const settings = await call(scimSettings.GET, { path: '/api/v1/settings/scim', as: admin });
    expect(settings.body).toMatchObject({ baseUrl: 'http://localhost:3000/api/scim/v2', defaultRole: { name: 'Member' } });
    expect(settings.body.groups).toEqual([{ id: groupId, displayName: 'Okta Administrators', memberCount: 0, role: { id: roles.admin, name: 'Admin' } }]);

    const gone = await scim(groupById.DELETE, token, { method: 'DELETE', path: `/Groups/${groupId}`, params: { id: groupId } });
    expect(gone.status).toBe(204);
    expect((await scim(groupById.GET, token, { path: `/Groups/${groupId}`, params: { id: groupId } })).status).toBe(404);
  });

  it('records every SCIM write in the audit log, in words', async () => {
    const res = await call(auditRoute.GET, { path: '/api/v1/audit?limit=100', as: admin });
    expect(res.status).toBe(200);
    const actions = res.body.items.map((e: { action: string }) => e.action);
    for (const a of ['createScimToken', 'scim.createUser', 'scim.updateUser', 'scim.deactivateUser', 'scim.reactivateUser', 'scim.createGroup', 'scim.updateGroup', 'scim.deleteGroup', 'mapScimGroup']) {
      expect(actions, a).toContain(a);
    }
    const deactivation = res.body.items.find((e: { action: string }) => e.action === 'scim.deactivateUser');
    expect(deactivation.display).toMatchObject({ action: 'Deactivated a member through SCIM', actor: 'SCIM provisioning (token “Okta”)', target: 'a member “Grace Hopper”' });
  });
});
