import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as apiKeyById from '@/app/api/v1/api-keys/[id]/route';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as membersRoute from '@/app/api/v1/members/route';
import { closeOwnerDb } from '../helpers/db';
import { call, provision, signIn, type Identity } from '../helpers/http';

// A key that creates keys must not be able to mint ones that outlive it: otherwise revoking or letting expire a
// leaked key would leave its offspring working.

let owner: Identity;
let ownerSession: Identity;
const DAY = 24 * 60 * 60 * 1000;

const createKey = (as: Identity, body: Record<string, unknown>) =>
  call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'k', scopes: ['apikeys:manage', 'members:read'], ...body }, as });
const revoke = (as: Identity, id: string) => call(apiKeyById.DELETE, { method: 'DELETE', path: `/api/v1/api-keys/${id}`, params: { id }, as });
const works = async (secret: string) => (await call(membersRoute.GET, { path: '/api/v1/members', as: { apiKey: secret } })).status === 200;

async function created(res: Awaited<ReturnType<typeof createKey>>) {
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string; parentKeyId: string | null; expiresAt: string | null };
}

beforeAll(async () => {
  const t = await provision();
  owner = { apiKey: t.apiKey };
  ownerSession = { ...(await signIn(t.ownerEmail)), tenantId: t.tenantId };
});

afterAll(async () => {
  await closeOwnerDb();
});

describe('keys created by keys', () => {
  it("take the creating key's expiry when none is given, and may not ask for a later one", async () => {
    const parentExpiry = new Date(Date.now() + DAY).toISOString();
    const parent = await created(await createKey(owner, { expiresAt: parentExpiry }));
    const child = await created(await createKey({ apiKey: parent.secret }, {}));
    expect(child.parentKeyId).toBe(parent.id);
    expect(child.expiresAt).toBe(parentExpiry);

    const later = await createKey({ apiKey: parent.secret }, { expiresAt: new Date(Date.now() + 2 * DAY).toISOString() });
    expect(later.status, JSON.stringify(later.body)).toBe(422);
    expect(later.body.error.code).toBe('validation_failed');
    expect(later.body.error.details.issues).toEqual([{ path: 'expiresAt', message: expect.stringContaining(parentExpiry) }]);

    const sooner = new Date(Date.now() + DAY / 2).toISOString();
    expect((await created(await createKey({ apiKey: parent.secret }, { expiresAt: sooner }))).expiresAt).toBe(sooner);
  });

  it('are revoked with the key that created them, down the whole line, and not the other way round', async () => {
    const parent = await created(await createKey(ownerSession, {}));
    expect(parent.parentKeyId).toBeNull();
    const child = await created(await createKey({ apiKey: parent.secret }, {}));
    const grandchild = await created(await createKey({ apiKey: child.secret }, {}));
    const sibling = await created(await createKey({ apiKey: parent.secret }, {}));
    expect(grandchild.parentKeyId).toBe(child.id);

    expect((await revoke(owner, sibling.id)).status).toBe(200);
    expect(await works(parent.secret)).toBe(true);
    expect(await works(child.secret)).toBe(true);

    const res = await revoke(owner, parent.id);
    expect(res.status).toBe(200);
    expect(res.body.revokedAt).not.toBeNull();
    for (const key of [parent, child, grandchild]) expect(await works(key.secret), key.id).toBe(false);
    const listed = await call(apiKeysRoute.GET, { path: '/api/v1/api-keys?limit=100', as: owner });
    const revokedIds = (listed.body.items as { id: string; revokedAt: string | null }[]).filter((k) => k.revokedAt !== null).map((k) => k.id);
    expect(revokedIds).toEqual(expect.arrayContaining([parent.id, child.id, grandchild.id, sibling.id]));
  });
});
