import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { recordPlatformAction } from '@/lib/audit/events';
import { verifyAuditChain } from '@/lib/audit/verify';
import { writeBackup } from '@/lib/backup/create';
import { restoreBackup } from '@/lib/backup/restore';
import { closeDb } from '@/lib/db/client';
import { createLocalBlobStore } from '@/lib/storage/blob-store';
import { getBlobStore } from '@/lib/storage';
import { closeOwnerDb, onServerDatabase, ownerDb } from '../helpers/db';
import { archiveDump, blobContents, KEY, scratchDatabase, seedTenant, tableDump, tempDir } from './helpers';

process.env.BLOB_DIR = tempDir('blobs');
const kind = onServerDatabase() ? 'postgres' : 'pglite';

afterAll(async () => {
  await closeOwnerDb();
  await closeDb();
});

async function backupNow() {
  const file = path.join(tempDir('out'), 'backup.rbk');
  const result = await writeBackup({ db: await ownerDb(), kind, blobStore: getBlobStore(), outPath: file, key: KEY });
  return { file, ...result };
}

describe(`backup and restore (${kind})`, () => {
  it('restores every table row and every blob into an empty database, with every audit chain verifying', async () => {
    const alpha = await seedTenant('alpha');
    const beta = await seedTenant('beta');
    const backup = await backupNow();
    expect(backup.bytes).toBeGreaterThan(0);
    expect(backup.manifest.tenants).toEqual(expect.arrayContaining([alpha.tenantId, beta.tenantId]));
    expect(backup.manifest.blobs.map((b) => b.key)).toEqual(expect.arrayContaining([...alpha.blobKeys, ...beta.blobKeys]));
    expect(backup.manifest.auditHeads.find((h) => h.tenantId === alpha.tenantId)?.seq).toBeGreaterThanOrEqual(3);
    expect(backup.manifest.tables.audit_log).toBeGreaterThanOrEqual(6);

    const scratch = scratchDatabase();
    const targetBlobs = createLocalBlobStore(tempDir('target-blobs'));
    try {
      const restored = await restoreBackup({ archivePath: backup.file, key: KEY, openTarget: scratch.open, blobStore: targetBlobs });
      expect(restored.auditChainsVerified).toBe(backup.manifest.tenants.length);
      expect(await tableDump(scratch.db())).toEqual(await archiveDump(backup.file, KEY));
      for (const t of [alpha, beta]) expect(await tableDump(scratch.db(), t)).toEqual(await tableDump(await ownerDb(), t));
      expect(await blobContents(targetBlobs)).toEqual(await blobContents(getBlobStore()));

      // The application's own verification, as app_user in the restored database.
      const verified = await scratch.db().transaction(async (tx) => {
        await tx.execute(sql`select set_config('role', 'app_user', true), set_config('app.tenant_id', ${alpha.tenantId}, true)`);
        return verifyAuditChain(tx);
      });
      expect(verified.ok).toBe(true);
      expect(verified.checked).toBeGreaterThanOrEqual(3);

      // Sequences came along: a new row in the restored database does not collide with a restored one.
      await expect(
        restoreBackup({ archivePath: backup.file, key: KEY, openTarget: scratch.open, blobStore: targetBlobs }),
      ).rejects.toThrow(/target is not empty.*--force/);
      const forced = await restoreBackup({ archivePath: backup.file, key: KEY, openTarget: scratch.open, blobStore: targetBlobs, force: true });
      expect(forced.rows).toBe(restored.rows);
      expect(await tableDump(scratch.db())).toEqual(await archiveDump(backup.file, KEY));
    } finally {
      await scratch.drop();
    }
  });

  it("restores a tenant whose audit chain was already tampered with as it was, and still verifies every other tenant", async () => {
    const tampered = await seedTenant('tampered');
    const intact = await seedTenant('intact');
    await (await ownerDb()).execute(sql`update audit_log set action = 'test.innocent' where tenant_id = ${tampered.tenantId} and seq = 2`);
    const backup = await backupNow();
    expect(backup.manifest.auditBroken).toContainEqual({ tenantId: tampered.tenantId, reason: expect.stringMatching(/modified/) });
    expect(backup.manifest.auditBroken.map((b) => b.tenantId)).not.toContain(intact.tenantId);

    const scratch = scratchDatabase();
    try {
      await restoreBackup({ archivePath: backup.file, key: KEY, openTarget: scratch.open, blobStore: createLocalBlobStore(tempDir('tampered-blobs')) });
      const walk = (tenantId: string) =>
        scratch.db().transaction(async (tx) => {
          await tx.execute(sql`select set_config('role', 'app_user', true), set_config('app.tenant_id', ${tenantId}, true)`);
          return verifyAuditChain(tx);
        });
      expect((await walk(tampered.tenantId)).ok).toBe(false);
      expect((await walk(intact.tenantId)).ok).toBe(true);
      expect(await tableDump(scratch.db(), tampered)).toEqual(await tableDump(await ownerDb(), tampered));
    } finally {
      await scratch.drop();
    }
  });

  it('a backup taken while writes continue restores to one consistent snapshot', async () => {
    const gamma = await seedTenant('gamma');
    const facts = { requestId: randomUUID(), ip: '203.0.113.10', userAgent: 'backup-test', method: 'POST', route: '/test' };
    let writing = true;
    let writes = 0;
    const writer = (async () => {
      while (writing && writes < 200) {
        await recordPlatformAction({ tenantId: gamma.tenantId, action: 'backup.concurrent', facts, target: { type: 'tenant', id: gamma.tenantId } });
        writes += 1;
      }
    })();
    const backup = await backupNow();
    writing = false;
    await writer;
    expect(writes).toBeGreaterThan(0);
    const scratch = scratchDatabase();
    try {
      // restoreBackup verifies every tenant's chain against the head exported in the same snapshot.
      const restored = await restoreBackup({ archivePath: backup.file, key: KEY, openTarget: scratch.open, blobStore: createLocalBlobStore(tempDir('t')) });
      expect(restored.auditChainsVerified).toBe(backup.manifest.tenants.length);
      expect(await tableDump(scratch.db())).toEqual(await archiveDump(backup.file, KEY));
    } finally {
      await scratch.drop();
    }
  });
});
