import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as authRoute from '@/app/api/auth/[...all]/route';
import * as platformTenants from '@/app/api/platform/tenants/route';
import * as apiKeyRoute from '@/app/api/v1/api-keys/[id]/route';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as auditRoute from '@/app/api/v1/audit/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import * as tenantsRoute from '@/app/api/v1/tenants/route';
import { recordAuditEvent } from '@/lib/audit/record';
import { withTenant } from '@/lib/db/tenant';
import { resetEnvForTests } from '@/lib/env';
import { closeOwnerDb } from '../helpers/db';
import { BASE, call, provision, signUp, uniqueEmail } from '../helpers/http';
import { storedEntries, totalEntries } from './audit-helpers';
import { PEER_ADDRESS_HEADER } from '@/lib/http/request-meta';

const PLATFORM_TOKEN = 'platform-token-for-audit-tests-0123456789abcdef';

// Runs `fn` and returns the entries it added to the tenant's log.
async function added(tenantId: string, fn: () => Promise<unknown>) {
  const before = (await storedEntries(tenantId)).length;
  await fn();
  return (await storedEntries(tenantId)).slice(before);
}

describe('every class of action writes exactly one audit entry', () => {
  let t: Awaited<ReturnType<typeof provision>>;
  let ownerKeyId: string;
  let narrow: { id: string; secret: string };

  beforeAll(async () => {
    process.env.PLATFORM_ADMIN_TOKEN = PLATFORM_TOKEN;
    resetEnvForTests();
    t = await provision();
    // Before the second key exists, the owner key is the only one.
    ownerKeyId = (await call(apiKeysRoute.GET, { path: '/api/v1/api-keys', as: { apiKey: t.apiKey } })).body.items[0].id;
    const created = await call(apiKeysRoute.POST, {
      method: 'POST',
      path: '/api/v1/api-keys',
      as: { apiKey: t.apiKey },
      body: { name: 'read members only', scopes: ['members:read'] },
    });
    narrow = { id: created.body.id, secret: created.body.secret };
  });

  afterAll(async () => {
    delete process.env.PLATFORM_ADMIN_TOKEN;
    resetEnvForTests();
    await closeOwnerDb();
  });

  it('a successful mutating request: one entry, in the same transaction, naming actor, target and request', async () => {
    let res: Awaited<ReturnType<typeof call>> | undefined;
    const entries = await added(t.tenantId, async () => {
      res = await call(rolesRoute.POST, {
        method: 'POST',
        path: '/api/v1/roles',
        as: { apiKey: t.apiKey },
        headers: { [PEER_ADDRESS_HEADER]: '203.0.113.10', 'user-agent': 'audit-test/1.0' },
        body: { name: 'Auditors', permissions: ['audit:read'] },
      });
    });
    expect(res?.status).toBe(201);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'createRole',
      outcome: 'success',
      actor_type: 'api_key',
      actor_id: ownerKeyId,
      target_type: 'roles',
      target_id: res?.body.id,
      ip: '203.0.113.10',
      user_agent: 'audit-test/1.0',
      request_id: res?.headers.get('x-request-id'),
      metadata: { method: 'POST', route: '/api/v1/roles', status: 201 },
    });
    expect(entries[0]?.actor_ref).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a mutation that fails (and rolls back) writes nothing; neither do reads', async () => {
    const entries = await added(t.tenantId, async () => {
      const dup = await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', as: { apiKey: t.apiKey }, body: { name: 'Auditors', permissions: ['audit:read'] } });
      expect(dup.status).toBe(409);
      const invalid = await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', as: { apiKey: t.apiKey }, body: { name: '' } });
      expect(invalid.status).toBe(422);
      expect((await call(membersRoute.GET, { path: '/api/v1/members', as: { apiKey: t.apiKey } })).status).toBe(200);
    });
    expect(entries).toEqual([]);
  });

  it('an authorization failure (403): one entry in its own transaction, outcome denied', async () => {
    const entries = await added(t.tenantId, async () => {
      const res = await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', as: { apiKey: narrow.secret }, body: { name: 'Sneaky', permissions: ['audit:read'] } });
      expect(res.status).toBe(403);
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'createRole',
      outcome: 'denied',
      actor_type: 'api_key',
      actor_id: narrow.id,
      metadata: { method: 'POST', route: '/api/v1/roles', status: 403, code: 'forbidden' },
    });
    const read = await added(t.tenantId, async () => {
      expect((await call(auditRoute.GET, { path: '/api/v1/audit', as: { apiKey: narrow.secret } })).status).toBe(403);
    });
    expect(read.map((e) => [e.action, e.outcome])).toEqual([['listAuditEvents', 'denied']]);
  });

  it('an authentication failure with a known tenant (401, revoked key): one entry; an anonymous 401: none anywhere', async () => {
    const revoke = await added(t.tenantId, async () => {
      expect((await call(apiKeyRoute.DELETE, { method: 'DELETE', path: `/api/v1/api-keys/${narrow.id}`, params: { id: narrow.id }, as: { apiKey: t.apiKey } })).status).toBe(200);
    });
    expect(revoke.map((e) => [e.action, e.outcome, e.target_id])).toEqual([['revokeApiKey', 'success', narrow.id]]);
    const denied = await added(t.tenantId, async () => {
      expect((await call(membersRoute.GET, { path: '/api/v1/members', as: { apiKey: narrow.secret } })).status).toBe(401);
    });
    expect(denied.map((e) => [e.action, e.outcome, e.actor_id])).toEqual([['listMembers', 'denied', narrow.id]]);

    const everywhere = await totalEntries();
    expect((await call(membersRoute.GET, { path: '/api/v1/members' })).status).toBe(401);
    expect((await call(membersRoute.GET, { path: '/api/v1/members', as: { apiKey: 'rfx_not_a_real_key_000000000000000000000000' } })).status).toBe(401);
    expect(await totalEntries()).toBe(everywhere);
  });

  it('a sign-in: one entry in each tenant of the account when it succeeds, one in all when it fails; an unknown address: none', async () => {
    const user = await signUp();
    const org = await call(tenantsRoute.POST, { method: 'POST', path: '/api/v1/tenants', body: { name: 'Signers' }, as: { cookie: user.cookie } });
    expect(org.status).toBe(201);
    const tenantId: string = org.body.id;
    const signIn = (email: string, password: string) =>
      call(authRoute.POST, {
        method: 'POST',
        path: '/api/auth/sign-in/email',
        headers: { origin: BASE, [PEER_ADDRESS_HEADER]: '198.51.100.77' },
        body: { email, password },
      });

    const ok = await added(tenantId, async () => expect((await signIn(user.email, user.password)).status).toBe(200));
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatchObject({ action: 'auth.signIn', outcome: 'success', actor_type: 'user', actor_id: user.userId, actor_label: user.email, ip: '198.51.100.77' });

    const bad = await added(tenantId, async () => expect((await signIn(user.email, 'not the password')).status).toBe(401));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ action: 'auth.signIn', outcome: 'failure', actor_id: user.userId, metadata: { method: 'password', status: 401 } });

    const everywhere = await totalEntries();
    expect((await signIn(uniqueEmail('ghost'), 'whatever password')).status).toBe(401);
    expect(await totalEntries()).toBe(everywhere);

    // More organizations: a successful sign-in is written once into each; a failed one once in all of them (in
    // the first), however many the account belongs to, so guessing at a password cannot multiply writes.
    const others: string[] = [];
    for (const name of ['Signers Two', 'Signers Three', 'Signers Four']) {
      const org = await call(tenantsRoute.POST, { method: 'POST', path: '/api/v1/tenants', body: { name }, as: { cookie: user.cookie } });
      expect(org.status).toBe(201);
      others.push(org.body.id);
    }
    const all = [tenantId, ...others];
    const counts = async () => Promise.all(all.map(async (id) => (await storedEntries(id)).length));
    const before = await counts();
    expect((await signIn(user.email, user.password)).status).toBe(200);
    expect(await counts()).toEqual(before.map((n) => n + 1));
    const afterSuccess = await counts();
    expect((await signIn(user.email, 'still not the password')).status).toBe(401);
    const afterFailure = await counts();
    expect(afterFailure.reduce((a, b) => a + b, 0) - afterSuccess.reduce((a, b) => a + b, 0)).toBe(1);
    // The first organization in the account's own order (by name): "Signers".
    expect(afterFailure[0]).toBe((afterSuccess[0] ?? 0) + 1);
  });

  it('platform provisioning: one entry, the first of the new tenant, by the system; a bad token writes none', async () => {
    const everywhere = await totalEntries();
    const refused = await call(platformTenants.POST, {
      method: 'POST',
      path: '/api/platform/tenants',
      headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' },
      body: { name: 'Nope', ownerEmail: uniqueEmail('owner') },
    });
    expect(refused.status).toBe(401);
    expect(await totalEntries()).toBe(everywhere);

    const res = await call(platformTenants.POST, {
      method: 'POST',
      path: '/api/platform/tenants',
      headers: { authorization: `Bearer ${PLATFORM_TOKEN}`, [PEER_ADDRESS_HEADER]: '192.0.2.200' },
      body: { name: 'Provisioned Co', ownerEmail: uniqueEmail('owner') },
    });
    expect(res.status).toBe(201);
    const entries = await storedEntries(res.body.tenant.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      seq: 1,
      prev_hash: '0'.repeat(64),
      action: 'provisionTenant',
      outcome: 'success',
      actor_type: 'system',
      actor_id: 'platform',
      target_type: 'tenant',
      target_id: res.body.tenant.id,
      ip: '192.0.2.200',
      request_id: res.headers.get('x-request-id'),
    });
  });

  it('recordAuditEvent for domain code: written with the caller’s transaction, gone with its rollback', async () => {
    const entries = await added(t.tenantId, async () => {
      await withTenant(t.tenantId, (tx) =>
        recordAuditEvent(tx, { action: 'pipeline.escalated', actor: { type: 'system', id: 'pipeline' }, target: { type: 'document', id: 'doc-1' }, metadata: { from: 'offline', to: 'openai' } }),
      );
      await expect(
        withTenant(t.tenantId, async (tx) => {
          await recordAuditEvent(tx, { action: 'pipeline.escalated', actor: { type: 'system', id: 'pipeline' } });
          throw new Error('the step failed');
        }),
      ).rejects.toThrow('the step failed');
    });
    expect(entries.map((e) => [e.action, e.target_id, e.metadata])).toEqual([['pipeline.escalated', 'doc-1', { from: 'offline', to: 'openai' }]]);
  });
});
