import './blob-dir';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertValidKey, createLocalBlobStore } from '@/lib/storage/blob-store';
import { deleteTenantBlob, getBlobStore, getTenantBlob, putTenantBlob, tenantBlobKey } from '@/lib/storage';
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
