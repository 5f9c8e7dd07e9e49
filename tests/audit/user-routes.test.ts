import { afterAll, describe, expect, it } from 'vitest';
import * as tenantsRoute from '@/app/api/v1/tenants/route';
import * as verifyRoute from '@/app/api/v1/audit/verify/route';
import { closeOwnerDb } from '../helpers/db';
import { call, provision, signUp } from '../helpers/http';
import { addMember } from '../helpers/tenancy';
import { storedEntries } from './audit-helpers';

afterAll(async () => {
  await closeOwnerDb();
});

// Mutations on routes that work outside one tenant (creating an organization, accepting an invitation) are
// audited by their domain functions, in the same transaction as the change.
describe('user-level mutations write one audit entry in the tenant they change', () => {
  it('creating an organization is the new tenant’s first entry, by its creator', async () => {
    const user = await signUp();
    const res = await call(tenantsRoute.POST, {
      method: 'POST',
      path: '/api/v1/tenants',
      body: { name: 'Audited Org' },
      as: { cookie: user.cookie },
      headers: { 'user-agent': 'audit-test-agent' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const entries = await storedEntries(res.body.id);
    expect(entries.map((e) => e.action)).toEqual(['createTenant']);
    expect(entries[0]).toMatchObject({
      seq: 1,
      actor_type: 'user',
      actor_id: user.userId,
      actor_label: user.email,
      target_type: 'tenant',
      target_id: res.body.id,
      user_agent: 'audit-test-agent',
    });
    const verify = await call(verifyRoute.GET, { path: '/api/v1/audit/verify', as: { cookie: user.cookie, tenantId: res.body.id } });
    expect(verify.body.ok).toBe(true);
  });

  it('accepting an invitation is recorded once, by the invitee, against the invitation', async () => {
    const t = await provision();
    const before = (await storedEntries(t.tenantId)).length;
    const member = await addMember({ apiKey: t.apiKey }, t.tenantId, 'member');
    const added = (await storedEntries(t.tenantId)).slice(before);
    // addMember = one createInvitation request (audited by the route wrapper) + one acceptance.
    expect(added.map((e) => e.action)).toEqual(['createInvitation', 'acceptInvitation']);
    expect(added[1]).toMatchObject({ actor_type: 'user', actor_id: member.userId, target_type: 'invitation' });
  });
});
