import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ArchiveWriter, readArchive } from '@/lib/backup/archive';
import { writeBackup } from '@/lib/backup/create';
import { BackupError } from '@/lib/backup/errors';
import { restoreBackup } from '@/lib/backup/restore';
import type { OwnerDatabase } from '@/lib/backup/target';
import { closeDb } from '@/lib/db/client';
import { getBlobStore } from '@/lib/storage';
import { createLocalBlobStore } from '@/lib/storage/blob-store';
import { closeOwnerDb, onServerDatabase, ownerDb } from '../helpers/db';
import { blobContents, KEY, seedTenant, tempDir } from './helpers';

process.env.BLOB_DIR = tempDir('blobs');
const kind = onServerDatabase() ? 'postgres' : 'pglite';
let good = '';

beforeAll(async () => {
  await seedTenant('refuse');
  good = path.join(tempDir('out'), 'good.rbk');
  await writeBackup({ db: await ownerDb(), kind, blobStore: getBlobStore(), outPath: good, key: KEY });
});

afterAll(async () => {
  await closeOwnerDb();
  await closeDb();
});

// Restores into a target that must never be opened: every refusal happens before the target is touched.
async function refusal(file: string, key = KEY): Promise<{ error: unknown; opened: boolean; blobs: Record<string, string> }> {
  const openTarget = vi.fn<() => Promise<OwnerDatabase>>(() => Promise.reject(new Error('the target must not be opened')));
  const blobStore = createLocalBlobStore(tempDir('untouched'));
  const error = await restoreBackup({ archivePath: file, key, openTarget, blobStore }).then(
    () => undefined,
    (err: unknown) => err,
  );
  return { error, opened: openTarget.mock.calls.length > 0, blobs: await blobContents(blobStore) };
}

function variant(name: string, edit: (bytes: Buffer) => Buffer): string {
  const file = path.join(tempDir('bad'), name);
  writeFileSync(file, edit(readFileSync(good)));
  return file;
}

describe(`restore refuses a bad archive and leaves the target untouched (${kind})`, () => {
  it('a flipped byte in the middle', async () => {
    const file = variant('flipped.rbk', (b) => {
      const copy = Buffer.from(b);
      const at = Math.floor(copy.length / 2);
      copy[at] = (copy[at] ?? 0) ^ 0x01;
      return copy;
    });
    const r = await refusal(file);
    expect(r.error).toBeInstanceOf(BackupError);
    expect(String(r.error)).toMatch(/corrupted, truncated, or was encrypted with a different key/);
    expect(r.opened).toBe(false);
    expect(r.blobs).toEqual({});
  });

  it('a truncated archive', async () => {
    for (const cut of [1, 200]) {
      const r = await refusal(variant(`cut-${cut}.rbk`, (b) => b.subarray(0, b.length - cut)));
      expect(String(r.error)).toMatch(/corrupted, truncated, or was encrypted with a different key/);
      expect(r.opened).toBe(false);
    }
    const r = await refusal(variant('tiny.rbk', (b) => b.subarray(0, 10)));
    expect(String(r.error)).toMatch(/corrupted|not a Reflex backup/);
  });

  it('the wrong key', async () => {
    const copy = path.join(tempDir('copy'), 'copy.rbk');
    copyFileSync(good, copy);
    const r = await refusal(copy, randomBytes(32));
    expect(String(r.error)).toMatch(/different key \(check BACKUP_ENCRYPTION_KEY\)/);
    expect(r.opened).toBe(false);
  });

  it('an archive from another schema version', async () => {
    // A well-formed, correctly encrypted archive whose manifest names an older migration.
    const file = path.join(tempDir('schema'), 'old.rbk');
    const writer = new ArchiveWriter(file, KEY);
    for await (const r of readArchive(good, KEY)) {
      if (r.kind === 'R') await writer.write('R', r.text);
      else if (r.kind === 'B') {
        await writer.write('B', JSON.stringify(r.value));
        await writer.write('D', r.data.toString('base64'));
      } else if (r.kind === 'M') {
        const manifest = r.value as { schema: { migrations: number; lastCreatedAt: number } }; // as writeBackup wrote it
        await writer.write('M', JSON.stringify({ ...manifest, schema: { migrations: manifest.schema.migrations - 1, lastCreatedAt: manifest.schema.lastCreatedAt - 1_000 } }));
      } else await writer.write(r.kind, JSON.stringify(r.value));
    }
    await writer.close();
    const r = await refusal(file);
    expect(String(r.error)).toMatch(/schema version mismatch: the archive was taken at migration \d+ .*Restore with the release that took the backup/);
    expect(r.opened).toBe(false);
  });
});
