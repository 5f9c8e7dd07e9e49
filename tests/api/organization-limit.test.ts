import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as acceptRoute from '@/app/api/v1/invitations/accept/route';
import * as invitationsRoute from '@/app/api/v1/invitations/route';
import * as meRoute from '@/app/api/v1/me/route';
import * as tenantsRoute from '@/app/api/v1/tenants/route';
import { resetEnvForTests } from '@/lib/env';
import { closeOwnerDb } from '../helpers/db';
import { call, provision, signUp } from '../helpers/http';
import { roleIdsOf } from '../helpers/tenancy';

// Plans, quotas and AI budgets are per organization: an account that could create organizations without end
// could multiply them.
const MAX = 3;

const createOrg = (cookie: string, name: string) => call(tenantsRoute.POST, { method: 'POST', path: '/api/v1/tenants', body: { name }, as: { cookie } });
const organizationsOf = async (cookie: string) => ((await call(meRoute.GET, { path: '/api/v1/me', as: { cookie } })).body.tenants as unknown[]).length;

beforeAll(() => {
  process.env.MAX_ORGANIZATIONS_PER_USER = String(MAX);
  resetEnvForTests();
});

afterAll(async () => {
  delete process.env.MAX_ORGANIZATIONS_PER_USER;
  resetEnvForTests();
  await closeOwnerDb();
});

describe('MAX_ORGANIZATIONS_PER_USER', () => {
  it('refuses to create one more organization with a clear 422, and to join one by invitation', async () => {
    const user = await signUp();
    for (let i = 1; i <= MAX; i++) expect((await createOrg(user.cookie, `Mine ${i}`)).status).toBe(201);
    const refused = await createOrg(user.cookie, 'One too many');
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.error.code).toBe('limit_reached');
    expect(refused.body.error.message).toMatch(/already belong to 3 organizations.*MAX_ORGANIZATIONS_PER_USER/);
    expect(await organizationsOf(user.cookie)).toBe(MAX);

    const other = await provision();
    const invited = await call(invitationsRoute.POST, {
      method: 'POST',
      path: '/api/v1/invitations',
      body: { email: user.email, roleId: (await roleIdsOf({ apiKey: other.apiKey })).member },
      as: { apiKey: other.apiKey },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const accepted = await call(acceptRoute.POST, { method: 'POST', path: '/api/v1/invitations/accept', body: { token: invited.body.token }, as: { cookie: user.cookie } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(422);
    expect(accepted.body.error.code).toBe('limit_reached');
    expect(await organizationsOf(user.cookie)).toBe(MAX);
  });

  it('counts concurrent creations one after the other: at the limit minus one, exactly one of several succeeds', async () => {
    const user = await signUp();
    for (let i = 1; i < MAX; i++) expect((await createOrg(user.cookie, `Race base ${i}`)).status).toBe(201);
    const results = await Promise.all([1, 2, 3, 4].map((i) => createOrg(user.cookie, `Race ${i}`)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422, 422]);
    expect(await organizationsOf(user.cookie)).toBe(MAX);
  });

  it('does not limit operators provisioning a tenant for an existing owner', async () => {
    const user = await signUp();
    for (let i = 1; i <= MAX; i++) expect((await createOrg(user.cookie, `Own ${i}`)).status).toBe(201);
    await provision('Provisioned for them', user.email);
    expect(await organizationsOf(user.cookie)).toBe(MAX + 1);
  });
});
