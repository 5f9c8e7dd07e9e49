import { beforeAll, describe, expect, it } from 'vitest';
import * as spcRoute from '@/app/api/scim/v2/ServiceProviderConfig/route';
import * as schemasRoute from '@/app/api/scim/v2/Schemas/route';
import * as schemaById from '@/app/api/scim/v2/Schemas/[id]/route';
import * as resourceTypesRoute from '@/app/api/scim/v2/ResourceTypes/route';
import * as tokenById from '@/app/api/v1/settings/scim/tokens/[id]/route';
import * as tokensRoute from '@/app/api/v1/settings/scim/tokens/route';
import * as mapGroup from '@/app/api/v1/settings/scim/groups/[id]/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import * as scimSettings from '@/app/api/v1/settings/scim/route';
import { call, provision, signIn, uniqueEmail, type Identity } from '../helpers/http';
import { addMember, roleIdsOf } from '../helpers/tenancy';
import { createToken, createUser, expectScimError, findUser, GROUP_SCHEMA, PATCH_OP, routes, scim, USER_SCHEMA } from './scim-client';

// Tokens, errors and tenant isolation: org A's SCIM token can never read, change or detect org B's users and
// groups (their ids answer like ids that exist nowhere), org B's admin cannot see or revoke org A's tokens, a
// revoked token gets 401, and bad input gets SCIM's own 4xx errors, never a 500.

const { usersRoute, userById, groupsRoute, groupById } = routes;
const NOWHERE = '00000000-0000-4000-8000-000000000000';

interface Org {
  admin: Identity;
  ownerEmail: string;
  tenantId: string;
  token: { id: string; token: string };
  userId: string;
  userName: string;
  groupId: string;
}

async function org(): Promise<Org> {
  const t = await provision();
  const admin = { apiKey: t.apiKey };
  const token = await createToken(admin);
  const userName = uniqueEmail('iso');
  const user = await createUser(token.token, userName);
  const group = await scim(groupsRoute.POST, token.token, { method: 'POST', path: '/Groups', body: { schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [{ value: user.id }] } });
  expect(group.status).toBe(201);
  return { admin, ownerEmail: t.ownerEmail, tenantId: t.tenantId, token, userId: user.id, userName, groupId: group.body.id };
}

let a: Org;
let b: Org;

beforeAll(async () => {
  a = await org();
  b = await org();
});

describe('SCIM tenant isolation', () => {
  it("org A's token cannot read org B's users or groups, by id or by filter", async () => {
    for (const [handler, path, id] of [
      [userById.GET, '/Users', b.userId],
      [groupById.GET, '/Groups', b.groupId],
    ] as const) {
      const foreign = await scim(handler, a.token.token, { path: `${path}/${id}`, params: { id } });
      const nowhere = await scim(handler, a.token.token, { path: `${path}/${NOWHERE}`, params: { id: NOWHERE } });
      expectScimError(foreign, 404);
      expect(foreign.body.detail.replace(id, 'X')).toBe(nowhere.body.detail.replace(NOWHERE, 'X'));
    }
    expect((await findUser(a.token.token, b.userName)).body.totalResults).toBe(0);
    const byId = await scim(usersRoute.GET, a.token.token, { path: `/Users?filter=${encodeURIComponent(`id eq "${b.userId}"`)}` });
    expect(byId.body.totalResults).toBe(0);
    const all = await scim(usersRoute.GET, a.token.token, { path: '/Users' });
    expect(all.body.Resources.map((u: { id: string }) => u.id)).not.toContain(b.userId);
    const groups = await scim(groupsRoute.GET, a.token.token, { path: '/Groups' });
    expect(groups.body.Resources.map((g: { id: string }) => g.id)).toEqual([a.groupId]);
    // Azure AD checks membership with a value filter: A's own member is found, B's is not.
    const holds = (userId: string) => scim(groupsRoute.GET, a.token.token, { path: `/Groups?filter=${encodeURIComponent(`id eq "${a.groupId}" and members[value eq "${userId}"]`)}&excludedAttributes=members` });
    expect((await holds(a.userId)).body.totalResults).toBe(1);
    expect((await holds(b.userId)).body.totalResults).toBe(0);
  });

  it("org A's token cannot change or delete org B's users and groups, nor add them to its groups", async () => {
    const patch = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] };
    expectScimError(await scim(userById.PATCH, a.token.token, { method: 'PATCH', path: `/Users/${b.userId}`, params: { id: b.userId }, body: patch }), 404);
    expectScimError(
      await scim(userById.PUT, a.token.token, { method: 'PUT', path: `/Users/${b.userId}`, params: { id: b.userId }, body: { schemas: [USER_SCHEMA], userName: 'x@example.test' } }),
      404,
    );
    expectScimError(await scim(userById.DELETE, a.token.token, { method: 'DELETE', path: `/Users/${b.userId}`, params: { id: b.userId } }), 404);
    expectScimError(await scim(groupById.DELETE, a.token.token, { method: 'DELETE', path: `/Groups/${b.groupId}`, params: { id: b.groupId } }), 404);
    const addForeign = (id: string) =>
      scim(groupById.PATCH, a.token.token, {
        method: 'PATCH',
        path: `/Groups/${a.groupId}`,
        params: { id: a.groupId },
        body: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] },
      });
    const foreign = await addForeign(b.userId);
    const nowhere = await addForeign(NOWHERE);
    expectScimError(foreign, 400, 'invalidValue');
    expect(foreign.body.detail.replace(b.userId, 'X')).toBe(nowhere.body.detail.replace(NOWHERE, 'X'));
    // B's user is untouched.
    const still = await scim(userById.GET, b.token.token, { path: `/Users/${b.userId}`, params: { id: b.userId } });
    expect(still.body).toMatchObject({ id: b.userId, active: true });
  });

  it("org B's admin cannot see, revoke or map org A's tokens and groups", async () => {
    const listB = await call(tokensRoute.GET, { path: '/api/v1/settings/scim/tokens', as: b.admin });
    expect(listB.status).toBe(200);
    expect(listB.body.items.map((t: { id: string }) => t.id)).toEqual([b.token.id]);
    expect(JSON.stringify(listB.body)).not.toContain('token_hash');
    const revokeForeign = await call(tokenById.DELETE, { method: 'DELETE', path: `/api/v1/settings/scim/tokens/${a.token.id}`, params: { id: a.token.id }, as: b.admin });
    const revokeNowhere = await call(tokenById.DELETE, { method: 'DELETE', path: `/api/v1/settings/scim/tokens/${NOWHERE}`, params: { id: NOWHERE }, as: b.admin });
    expect(revokeForeign.status).toBe(404);
    expect(revokeForeign.body.error.message).toBe(revokeNowhere.body.error.message);
    const roles = await roleIdsOf(b.admin);
    const mapForeign = await call(mapGroup.PATCH, { method: 'PATCH', path: '/x', params: { id: a.groupId }, body: { roleId: roles.viewer }, as: b.admin });
    expect(mapForeign.status).toBe(404);
    const settingsB = await call(scimSettings.GET, { path: '/api/v1/settings/scim', as: b.admin });
    expect(settingsB.body.groups.map((g: { id: string }) => g.id)).toEqual([b.groupId]);
    // Nor use A's roles: they answer like roles that exist nowhere.
    const rolesA = await roleIdsOf(a.admin);
    const foreignDefault = await call(scimSettings.PATCH, { method: 'PATCH', path: '/api/v1/settings/scim', body: { defaultRoleId: rolesA.viewer }, as: b.admin });
    const nowhereDefault = await call(scimSettings.PATCH, { method: 'PATCH', path: '/api/v1/settings/scim', body: { defaultRoleId: NOWHERE }, as: b.admin });
    expect(foreignDefault.status).toBe(404);
    expect(foreignDefault.body.error.message).toBe(nowhereDefault.body.error.message);
    const foreignRole = await call(mapGroup.PATCH, { method: 'PATCH', path: '/x', params: { id: b.groupId }, body: { roleId: rolesA.viewer }, as: b.admin });
    expect(foreignRole.status).toBe(404);
    // A's token still works.
    expect((await scim(usersRoute.GET, a.token.token, { path: '/Users' })).status).toBe(200);
  });

  it('never maps a group to the owner role, and sets the default role of new members', async () => {
    const roles = await roleIdsOf(a.admin);
    const owner = await call(mapGroup.PATCH, { method: 'PATCH', path: '/x', params: { id: a.groupId }, body: { roleId: roles.owner }, as: a.admin });
    expect(owner.status).toBe(422);
    expect((await call(scimSettings.PATCH, { method: 'PATCH', path: '/x', body: { defaultRoleId: roles.owner }, as: a.admin })).status).toBe(422);
    const viewer = await call(scimSettings.PATCH, { method: 'PATCH', path: '/x', body: { defaultRoleId: roles.viewer }, as: a.admin });
    expect(viewer.status).toBe(200);
    expect(viewer.body.defaultRole).toEqual({ id: roles.viewer, name: 'Viewer' });
    const user = await createUser(a.token.token, uniqueEmail('default-role'));
    const settings = await call(scimSettings.GET, { path: '/x', as: a.admin });
    expect(settings.body.defaultRole.id).toBe(roles.viewer);
    const members = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: a.admin });
    expect(members.body.items.find((m: { id: string }) => m.id === user.id).role.key).toBe('viewer');
  });

  it('token management needs settings:manage', async () => {
    const viewer = await addMember(a.admin, a.tenantId, 'viewer');
    expect((await call(tokensRoute.GET, { path: '/api/v1/settings/scim/tokens', as: viewer.as })).status).toBe(403);
    expect((await call(tokensRoute.POST, { method: 'POST', path: '/api/v1/settings/scim/tokens', body: { name: 'x' }, as: viewer.as })).status).toBe(403);
    // An admin's browser session can (same-origin); the token is in the answer, and never again.
    const owner = { cookie: (await signIn(a.ownerEmail)).cookie, tenantId: a.tenantId };
    const created = await call(tokensRoute.POST, { method: 'POST', path: '/api/v1/settings/scim/tokens', body: { name: 'Entra ID' }, as: owner });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^rfx_scim_/);
    const listed = await call(tokensRoute.GET, { path: '/api/v1/settings/scim/tokens', as: owner });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
  });

  it('a revoked token, a missing token and a malformed one get 401', async () => {
    const extra = await createToken(a.admin, 'Temporary');
    expect((await scim(usersRoute.GET, extra.token, { path: '/Users' })).status).toBe(200);
    const revoked = await call(tokenById.DELETE, { method: 'DELETE', path: '/x', params: { id: extra.id }, as: a.admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const after = await scim(usersRoute.GET, extra.token, { path: '/Users' });
    expectScimError(after, 401);
    expect(after.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectScimError(await scim(usersRoute.GET, null, { path: '/Users' }), 401);
    expectScimError(await scim(usersRoute.GET, 'rfx_scim_not-a-real-token', { path: '/Users' }), 401);
    // An API key is not a SCIM token.
    expectScimError(await scim(usersRoute.GET, (a.admin as { apiKey: string }).apiKey, { path: '/Users' }), 401);
    const list = await call(tokensRoute.GET, { path: '/api/v1/settings/scim/tokens', as: a.admin });
    const listed = list.body.items.find((t: { id: string }) => t.id === a.token.id);
    expect(listed.lastUsedAt).not.toBeNull();
    expect(listed).not.toHaveProperty('token');
  });
});

describe('SCIM errors and paging', () => {
  it('answers a bad filter with invalidFilter, and an unsupported attribute too', async () => {
    for (const filter of ['userName eq', 'userName ne "x"', 'userName eq "a" or userName eq "b"', 'nickName eq "x"', 'active eq "yes"']) {
      expectScimError(await scim(usersRoute.GET, a.token.token, { path: `/Users?filter=${encodeURIComponent(filter)}` }), 400, 'invalidFilter');
    }
    expectScimError(await scim(groupsRoute.GET, a.token.token, { path: `/Groups?filter=${encodeURIComponent('members eq "x"')}` }), 400, 'invalidFilter');
    expectScimError(await scim(usersRoute.GET, a.token.token, { path: `/Users?filter=${encodeURIComponent('emails[type eq "work"]')}` }), 400, 'invalidFilter');
  });

  it('refuses unknown attributes, bad bodies and bad PATCH paths with SCIM errors', async () => {
    const post = (body: unknown, headers?: Record<string, string>) => scim(usersRoute.POST, a.token.token, { method: 'POST', path: '/Users', body, headers });
    expectScimError(await post({ schemas: [USER_SCHEMA], userName: uniqueEmail('x'), favouriteColour: 'blue' }), 400, 'invalidValue');
    expectScimError(await post({ schemas: [USER_SCHEMA] }), 400, 'invalidValue');
    expectScimError(await post({ schemas: [USER_SCHEMA], userName: 'not-an-email' }), 400, 'invalidValue');
    expectScimError(await post({ schemas: [USER_SCHEMA], userName: uniqueEmail('x'), active: 'maybe' }), 400, 'invalidValue');
    expectScimError(await post([1, 2, 3]), 400, 'invalidValue');
    expectScimError(await post({ schemas: [USER_SCHEMA], userName: 'bad\u0000null@example.test' }), 400, 'invalidValue');
    const notJson = await call(usersRoute.POST, {
      method: 'POST',
      path: '/api/scim/v2/Users',
      rawBody: '{"userName": ',
      headers: { authorization: `Bearer ${a.token.token}`, 'content-type': 'application/scim+json' },
    });
    expectScimError(notJson, 400, 'invalidSyntax');
    const wrongType = await call(usersRoute.POST, { method: 'POST', path: '/api/scim/v2/Users', rawBody: 'userName=x', headers: { authorization: `Bearer ${a.token.token}`, 'content-type': 'text/plain' } });
    expectScimError(wrongType, 415);
    const huge = await post({ schemas: [USER_SCHEMA], userName: uniqueEmail('x'), title: 'x'.repeat(1_100_000) });
    expectScimError(huge, 413);

    const patch = (Operations: unknown) => scim(userById.PATCH, a.token.token, { method: 'PATCH', path: `/Users/${a.userId}`, params: { id: a.userId }, body: { schemas: [PATCH_OP], Operations } });
    expectScimError(await patch([{ op: 'replace', path: 'favouriteColour', value: 'blue' }]), 400, 'invalidPath');
    expectScimError(await patch([{ op: 'replace', path: 'active', value: 'perhaps' }]), 400, 'invalidValue');
    expectScimError(await patch([{ op: 'remove' }]), 400, 'noTarget');
    expectScimError(await patch([{ op: 'jump', path: 'active', value: true }]), 400, 'invalidSyntax');
    expectScimError(await scim(userById.PATCH, a.token.token, { method: 'PATCH', path: `/Users/${a.userId}`, params: { id: a.userId }, body: { Operations: [] } }), 400, 'invalidSyntax');
    expectScimError(await scim(userById.GET, a.token.token, { path: '/Users/not-a-uuid', params: { id: 'not-a-uuid' } }), 404);
    expectScimError(
      await scim(groupsRoute.POST, a.token.token, { method: 'POST', path: '/Groups', body: { schemas: [GROUP_SCHEMA], displayName: 'G', members: [{ value: 'nope' }] } }),
      400,
      'invalidValue',
    );
  });

  it('refuses a duplicate userName or externalId with 409 uniqueness', async () => {
    expectScimError(await scim(usersRoute.POST, a.token.token, { method: 'POST', path: '/Users', body: { schemas: [USER_SCHEMA], userName: a.userName.toUpperCase() } }), 409, 'uniqueness');
    const first = await createUser(a.token.token, uniqueEmail('ext'), { externalId: 'ext-1' });
    expect(first.id).toBeTruthy();
    expectScimError(await scim(usersRoute.POST, a.token.token, { method: 'POST', path: '/Users', body: { schemas: [USER_SCHEMA], userName: uniqueEmail('ext'), externalId: 'ext-1' } }), 409, 'uniqueness');
  });

  it('pages with startIndex and count, and reports totalResults', async () => {
    for (let i = 0; i < 4; i++) await createUser(a.token.token, uniqueEmail(`page${i}`));
    const all = await scim(usersRoute.GET, a.token.token, { path: '/Users' });
    const total: number = all.body.totalResults;
    expect(total).toBeGreaterThanOrEqual(6);
    const ids: string[] = [];
    for (let start = 1; start <= total; start += 2) {
      const page = await scim(usersRoute.GET, a.token.token, { path: `/Users?startIndex=${start}&count=2` });
      expect(page.body).toMatchObject({ totalResults: total, startIndex: start });
      expect(page.body.itemsPerPage).toBe(page.body.Resources.length);
      ids.push(...page.body.Resources.map((u: { id: string }) => u.id));
    }
    expect(ids).toEqual(all.body.Resources.map((u: { id: string }) => u.id));
    const zero = await scim(usersRoute.GET, a.token.token, { path: '/Users?count=0' });
    expect(zero.body).toMatchObject({ totalResults: total, itemsPerPage: 0, Resources: [] });
    const past = await scim(usersRoute.GET, a.token.token, { path: `/Users?startIndex=${total + 10}` });
    expect(past.body.Resources).toEqual([]);
    expectScimError(await scim(usersRoute.GET, a.token.token, { path: '/Users?count=lots' }), 400, 'invalidValue');
  });

  it('serves ServiceProviderConfig, Schemas and ResourceTypes', async () => {
    const spc = await scim(spcRoute.GET, a.token.token, { path: '/ServiceProviderConfig' });
    expect(spc.status).toBe(200);
    expect(spc.body).toMatchObject({ patch: { supported: true }, bulk: { supported: false }, filter: { supported: true, maxResults: 200 } });
    const schemas = await scim(schemasRoute.GET, a.token.token, { path: '/Schemas' });
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([USER_SCHEMA, GROUP_SCHEMA]);
    const one = await scim(schemaById.GET, a.token.token, { path: `/Schemas/${USER_SCHEMA}`, params: { id: USER_SCHEMA } });
    expect(one.body.attributes.map((x: { name: string }) => x.name)).toContain('userName');
    const types = await scim(resourceTypesRoute.GET, a.token.token, { path: '/ResourceTypes' });
    expect(types.body.Resources.map((r: { endpoint: string }) => r.endpoint)).toEqual(['/Users', '/Groups']);
  });
});

describe('group mappings change roles, so they follow the member hierarchy', () => {
  it('refuses someone who may manage settings but lacks a member’s permissions; that member keeps their role', async () => {
    const c = await org();
    const roles = await roleIdsOf(c.admin);
    expect((await call(mapGroup.PATCH, { method: 'PATCH', path: '/x', params: { id: c.groupId }, body: { roleId: roles.admin }, as: c.admin })).status).toBe(200);
    const custom = await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', body: { name: 'Settings keeper', permissions: ['settings:manage', 'members:read'] }, as: c.admin });
    expect(custom.status, JSON.stringify(custom.body)).toBe(201);
    // A role the keeper could grant (its permissions are a subset of theirs), so only the hierarchy can refuse.
    const lesser = await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', body: { name: 'Directory readers', permissions: ['members:read'] }, as: c.admin });
    expect(lesser.status, JSON.stringify(lesser.body)).toBe(201);
    const keeper = await addMember(c.admin, c.tenantId, custom.body.id);
    const demote = await call(mapGroup.PATCH, { method: 'PATCH', path: '/x', params: { id: c.groupId }, body: { roleId: lesser.body.id }, as: keeper.as });
    expect(demote.status, JSON.stringify(demote.body)).toBe(403);
    expect(demote.body.error.message).toMatch(/cannot change the role of a member who holds permissions you do not/);
    const unmap = await call(mapGroup.PATCH, { method: 'PATCH', path: '/x', params: { id: c.groupId }, body: { roleId: null }, as: keeper.as });
    expect(unmap.status).toBe(403);
    const members = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: c.admin });
    const scimMember = (members.body.items as { email: string; role: { key: string } }[]).find((m) => m.email === c.userName);
    expect(scimMember?.role.key).toBe('admin');
  });
});
