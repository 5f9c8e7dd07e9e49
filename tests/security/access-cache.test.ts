import { sql } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import * as apiKeyById from '@/app/api/v1/api-keys/[id]/route';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as membersRoute from '@/app/api/v1/members/route';
import { envSchema } from '@/lib/env';
import { createAccessCache, setAccessCacheForTests } from '@/lib/tenancy/access-cache';
import { closeOwnerDb, ownerRows } from '../helpers/db';
import { call, provision } from '../helpers/http';

// Reads may reuse an access decision for at most 1 s (lib/tenancy/access-cache.ts). Another instance's change is
// simulated by writing as the database owner, which this process never hears about; the cache's clock is
// injected, so "within 1 s" is checked by moving it, never by waiting.

const TTL_MS = 1000;
let now = 0;

beforeEach(() => {
  now = 0;
  setAccessCacheForTests(createAccessCache(TTL_MS, () => now));
});

afterAll(async () => {
  setAccessCacheForTests(undefined);
  await closeOwnerDb();
});

const list = (apiKey: string) => call(membersRoute.GET, { path: '/api/v1/members', as: { apiKey } });

async function tenantWithKey() {
  const t = await provision();
  const [key] = await ownerRows<{ id: string; created_by: string }>(sql`select id, created_by from api_keys where tenant_id = ${t.tenantId}`);
  if (!key) throw new Error('provisioning made no key');
  expect((await list(t.apiKey)).status).toBe(200);
  return { ...t, keyId: key.id, creatorId: key.created_by };
}

// The decision cached at 0 still answers just before the TTL (so the cache is real), and not at the TTL.
async function expectRefusedWithinTtl(apiKey: string, status: number) {
  now = TTL_MS - 1;
  expect((await list(apiKey)).status).toBe(200);
  now = TTL_MS;
  const res = await list(apiKey);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
}

describe('cached access decisions: revocation reaches every instance within 1 s', () => {
  it('a revoked API key', async () => {
    const t = await tenantWithKey();
    await ownerRows(sql`update api_keys set revoked_at = now() where id = ${t.keyId}`);
    await expectRefusedWithinTtl(t.apiKey, 401);
  });

  it("a key whose creator was removed from the organization", async () => {
    const t = await tenantWithKey();
    await ownerRows(sql`delete from memberships where tenant_id = ${t.tenantId} and user_id = ${t.creatorId}`);
    await expectRefusedWithinTtl(t.apiKey, 401);
  });

  it("a key whose creator was deactivated (SCIM)", async () => {
    const t = await tenantWithKey();
    await ownerRows(sql`update memberships set deactivated_at = now() where tenant_id = ${t.tenantId} and user_id = ${t.creatorId}`);
    await expectRefusedWithinTtl(t.apiKey, 401);
  });

  it("a key whose creator's role lost the permission", async () => {
    const t = await tenantWithKey();
    await ownerRows(sql`update roles set permissions = array_remove(permissions, 'members:read')
      where id = (select role_id from memberships where tenant_id = ${t.tenantId} and user_id = ${t.creatorId})`);
    await expectRefusedWithinTtl(t.apiKey, 403);
  });

  it('a suspended organization', async () => {
    const t = await tenantWithKey();
    await ownerRows(sql`update tenants set status = 'suspended' where id = ${t.tenantId}`);
    await expectRefusedWithinTtl(t.apiKey, 403);
  });
});

describe('what never uses a cached decision', () => {
  it('a write decides in its own transaction', async () => {
    const t = await tenantWithKey();
    await ownerRows(sql`update api_keys set revoked_at = now() where id = ${t.keyId}`);
    const res = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'k', scopes: ['members:read'] }, as: { apiKey: t.apiKey } });
    expect(res.status).toBe(401);
  });

  it("a change made through this instance counts for its next read at once", async () => {
    const t = await tenantWithKey();
    const other = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'k', scopes: ['members:read'] }, as: { apiKey: t.apiKey } });
    expect(other.status).toBe(201);
    const secret = (other.body as { secret: string }).secret;
    const id = (other.body as { id: string }).id;
    expect((await list(secret)).status).toBe(200);
    const revoked = await call(apiKeyById.DELETE, { method: 'DELETE', path: `/api/v1/api-keys/${id}`, params: { id }, as: { apiKey: t.apiKey } });
    expect(revoked.status).toBe(200);
    expect((await list(secret)).status).toBe(401);
  });

  it('a TTL above 1 s is refused by the configuration', () => {
    expect(envSchema.safeParse({ ACCESS_CACHE_TTL_MS: '1001' }).success).toBe(false);
    expect(envSchema.safeParse({ ACCESS_CACHE_TTL_MS: '1000' }).success).toBe(true);
  });
});
