import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Env } from '@/lib/env';
import { logger } from '@/lib/log';
import { getBlobStore } from '@/lib/storage';
import { writeBackup } from './create';
import { resolveBackupKey } from './key';
import { backupName, getBackupStore, pruneBackups, type BackupStore } from './store';
import { openConfiguredOwner } from './target';

export interface BackupSummary {
  /** The file written (--out), or the name in the backup store. */
  archive: string;
  location: string;
  bytes: number;
  durationMs: number;
  tables: number;
  rows: number;
  blobs: number;
  tenants: number;
  pruned: string[];
}

/**
 * `npm run backup` and the daily cron: a backup of the configured database (as its owner) and blob store. With
 * outPath it goes to that file; otherwise into the backup store (getBackupStore), and backups older than
 * BACKUP_KEEP_DAYS are removed (the newest is always kept).
 */
export async function runBackup(env: Env, opts: { outPath?: string; now?: Date; store?: BackupStore } = {}): Promise<BackupSummary> {
  const now = opts.now ?? new Date();
  const key = await resolveBackupKey(env);
  const store = opts.store ?? getBackupStore(env);
  const name = backupName(now);
  const workDir = opts.outPath ? undefined : await mkdtemp(path.join(tmpdir(), 'reflex-backup-'));
  // turbopackIgnore: a path chosen at run time by the CLI; without it the build traces the whole project into the function.
  const file = opts.outPath ? path.resolve(/* turbopackIgnore: true */ opts.outPath) : path.join(workDir ?? '', name);
  const owner = await openConfiguredOwner(env);
  try {
    const result = await writeBackup({ db: owner.db, kind: owner.kind, blobStore: getBlobStore(), outPath: file, key, now });
    let pruned: string[] = [];
    if (!opts.outPath) {
      await store.upload(name, file);
      pruned = await pruneBackups(store, now, env.BACKUP_KEEP_DAYS);
    }
    const m = result.manifest;
    const summary: BackupSummary = {
      archive: opts.outPath ? file : name,
      location: opts.outPath ? path.dirname(file) : store.location,
      bytes: result.bytes,
      durationMs: result.durationMs,
      tables: Object.keys(m.tables).length,
      rows: Object.values(m.tables).reduce((a, b) => a + b, 0),
      blobs: m.blobs.length,
      tenants: m.tenants.length,
      pruned,
    };
    logger.info('backup: written', { ...summary, pruned: pruned.length });
    return summary;
  } catch (err) {
    // Half an archive is worse than none: it would look like a backup.
    if (opts.outPath) await rm(file, { force: true });
    throw err;
  } finally {
    await owner.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }
}
