import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { writeBackup } from '@/lib/backup/create';
import { restoreBackup } from '@/lib/backup/restore';
import { openPostgresAsOwner, type OwnerDatabase } from '@/lib/backup/target';
import { closeDb } from '@/lib/db/client';
import { eraseTenant } from '@/lib/privacy/erase-tenant';
import { getBlobStore } from '@/lib/storage';
import { closeOwnerDb, onServerDatabase, ownerDb } from '../helpers/db';
import { blobContents, KEY, seedTenant, tableDump, tempDir } from './helpers';

process.env.BLOB_DIR = tempDir('blobs');
const kind = onServerDatabase() ? 'postgres' : 'pglite';

afterAll(async () => {
  await closeOwnerDb();
  await closeDb();
});

// The live deployment as its owner: the test's own database.
async function openLive(): Promise<OwnerDatabase> {
  const url = inject('ownerDatabaseUrl');
  if (url) return openPostgresAsOwner(url);
  return { db: await ownerDb(), kind: 'pglite', label: 'live', close: async () => {} };
}

describe(`single-tenant restore into a live deployment (${kind})`, () => {
  it('brings back a deleted tenant with its blobs and leaves other tenants byte-identical', async () => {
    const lost = await seedTenant('lost');
    const other = await seedTenant('other');
    const file = path.join(tempDir('out'), 'backup.rbk');
    await writeBackup({ db: await ownerDb(), kind, blobStore: getBlobStore(), outPath: file, key: KEY });
    const lostRows = await tableDump(await ownerDb(), lost);
    const lostBlobs = await blobContents(getBlobStore(), `tenants/${lost.tenantId}/`);
    expect(lostRows.audit_log?.length).toBeGreaterThanOrEqual(3);

    await eraseTenant(lost.tenantId, randomUUID());
    expect((await tableDump(await ownerDb(), lost)).tenants).toEqual([]);
    const otherRows = await tableDump(await ownerDb(), other);
    const otherBlobs = await blobContents(getBlobStore(), `tenants/${other.tenantId}/`);

    const result = await restoreBackup({ archivePath: file, key: KEY, openTarget: openLive, blobStore: getBlobStore(), tenantId: lost.tenantId });
    expect(result.scope).toBe('tenant');
    expect(result.blobs).toBe(2);
    expect(await tableDump(await ownerDb(), lost)).toEqual(lostRows);
    expect(await blobContents(getBlobStore(), `tenants/${lost.tenantId}/`)).toEqual(lostBlobs);
    expect(await tableDump(await ownerDb(), other)).toEqual(otherRows);
    expect(await blobContents(getBlobStore(), `tenants/${other.tenantId}/`)).toEqual(otherBlobs);

    // The tenant exists now: a second restore is refused and changes nothing.
    await expect(restoreBackup({ archivePath: file, key: KEY, openTarget: openLive, blobStore: getBlobStore(), tenantId: lost.tenantId })).rejects.toThrow(
      /exists in the target.*Nothing was changed/,
    );
    expect(await tableDump(await ownerDb(), lost)).toEqual(lostRows);
    await expect(restoreBackup({ archivePath: file, key: KEY, openTarget: openLive, blobStore: getBlobStore(), tenantId: randomUUID() })).rejects.toThrow(/is not in this backup/);
  });
});
