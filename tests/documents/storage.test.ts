import './blob-dir';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertValidKey, createLocalBlobStore, createVercelBlobStore, type BlobStore } from '@/lib/storage/blob-store';
import { deleteTenantBlob, deleteTenantBlobs, getBlobStore, getTenantBlob, listTenantBlobs, putTenantBlob, tenantBlobKey } from '@/lib/storage';
import { FAKE_BLOB_TOKEN, startFakeBlobApi, type FakeBlobApi } from '../fakes/vercel-blob-fake';
import { BLOB_DIR } from './blob-dir';

describe('blob storage (local disk, BLOB_DIR)', () => {
  it('stores, reads and deletes a tenant blob under tenants/<id>/', async () => {
    expect(getBlobStore().kind).toBe('local');
    const tenant = randomUUID();
    const key = tenantBlobKey(tenant, 'documents/abc/original');
    expect(key).toBe(`tenants/${tenant}/documents/abc/original`);
    const bytes = new Uint8Array([1, 2, 3, 0, 255]);
    await putTenantBlob(tenant, key, bytes, 'application/octet-stream');
    expect(readdirSync(`${BLOB_DIR}/tenants/${tenant}/documents/abc`)).toEqual(['original']);
    expect(await getTenantBlob(tenant, key)).toEqual(bytes);
    await deleteTenantBlob(tenant, key);
    expect(await getTenantBlob(tenant, key)).toBeNull();
    // Deleting twice is fine: a delete may be retried after a partial failure.
    await deleteTenantBlob(tenant, key);
  });

  it("refuses to read, write or delete another tenant's key", async () => {
    const a = randomUUID();
    const b = randomUUID();
    const key = tenantBlobKey(a, 'documents/x/original');
    await putTenantBlob(a, key, new Uint8Array([7]), 'text/plain');
    await expect(getTenantBlob(b, key)).rejects.toThrow(/does not belong/);
    await expect(deleteTenantBlob(b, key)).rejects.toThrow(/does not belong/);
    await expect(putTenantBlob(b, key, new Uint8Array([8]), 'text/plain')).rejects.toThrow(/does not belong/);
    expect(await getTenantBlob(a, key)).toEqual(new Uint8Array([7]));
  });

  it('refuses keys that could escape the storage root', async () => {
    for (const bad of ['../etc/passwd', 'a/../../b', '/abs', 'a//b', 'a/./b', '', 'tenants/x/\u0000']) {
      expect(() => assertValidKey(bad), bad).toThrow(/invalid blob key/);
    }
    const store = createLocalBlobStore(BLOB_DIR);
    await expect(store.put('../outside', new Uint8Array([1]), 'text/plain')).rejects.toThrow(/invalid blob key/);
  });
});

// The same contract on both stores: list and delete everything under a folder prefix, and nothing beside it.
async function checkPrefixOperations(store: BlobStore): Promise<void> {
  const a = randomUUID();
  const keys = [`tenants/${a}/documents/d1/original`, `tenants/${a}/privacy-exports/e1/export.ndjson`, `tenants/${a}/privacy-exports/e1/part-audit.ndjson`];
  // A neighbour whose id starts with a's: a prefix is a folder, never a string prefix of another folder.
  const neighbour = `tenants/${a}x/documents/d2/original`;
  for (const key of [...keys, neighbour]) await store.put(key, new Uint8Array([1, 2]), 'application/octet-stream');
  expect((await store.list(`tenants/${a}/`)).sort()).toEqual([...keys].sort());
  expect(await store.deletePrefix(`tenants/${a}/`)).toBe(3);
  expect(await store.list(`tenants/${a}/`)).toEqual([]);
  expect(await store.list(`tenants/${a}x/`)).toEqual([neighbour]);
  expect(await store.deletePrefix(`tenants/${a}/`)).toBe(0);
  await expect(store.list(`tenants/${a}`)).rejects.toThrow(/invalid blob prefix/);
  await expect(store.deletePrefix('../')).rejects.toThrow(/invalid blob/);
}

describe('listing and deleting by prefix', () => {
  it('local store: lists and deletes a folder and nothing beside it', async () => {
    await checkPrefixOperations(createLocalBlobStore(BLOB_DIR));
  });

  it("deletes every blob of one tenant through its prefix (what erasing an organization uses)", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await putTenantBlob(a, tenantBlobKey(a, 'documents/x/original'), new Uint8Array([1]), 'text/plain');
    await putTenantBlob(a, tenantBlobKey(a, 'privacy-exports/y/export.ndjson'), new Uint8Array([2]), 'application/x-ndjson');
    await putTenantBlob(b, tenantBlobKey(b, 'documents/z/original'), new Uint8Array([3]), 'text/plain');
    expect(await deleteTenantBlobs(a)).toBe(2);
    expect(await listTenantBlobs(a)).toEqual([]);
    expect(await listTenantBlobs(b)).toEqual([tenantBlobKey(b, 'documents/z/original')]);
  });

  describe('Vercel Blob store (against a fake of its HTTP API)', () => {
    let api: FakeBlobApi;
    const saved = process.env.VERCEL_BLOB_API_URL;
    beforeAll(async () => {
      api = await startFakeBlobApi();
      process.env.VERCEL_BLOB_API_URL = api.url;
    });
    afterAll(async () => {
      if (saved === undefined) delete process.env.VERCEL_BLOB_API_URL;
      else process.env.VERCEL_BLOB_API_URL = saved;
      await api.close();
    });

    it('lists across pages and deletes a folder and nothing beside it', async () => {
      await checkPrefixOperations(createVercelBlobStore(FAKE_BLOB_TOKEN));
      expect(api.pathnames()).toHaveLength(1);
    });
  });
});
