import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '@/lib/env';
import { createVercelBlobStore } from '@/lib/storage/blob-store';

export interface StoredBackup {
  name: string;
  createdAt: Date;
}

// Where archives are kept: Vercel Blob (under backups/, private, next to the uploads but outside tenants/, so a
// backup never contains older backups) when BLOB_READ_WRITE_TOKEN is set, else a local directory.
export interface BackupStore {
  readonly location: string;
  upload(name: string, file: string): Promise<void>;
  download(name: string, file: string): Promise<void>;
  /** Oldest first. */
  list(): Promise<StoredBackup[]>;
  remove(name: string): Promise<void>;
}

const NAME_RE = /^reflex-backup-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.rbk$/;

export function backupName(at: Date): string {
  return `reflex-backup-${at.toISOString().replace(/[:.]/g, '-')}.rbk`;
}

// The name carries the time the snapshot was taken: listing never needs to open an archive.
export function parseBackupName(name: string): StoredBackup | null {
  const m = NAME_RE.exec(name);
  if (!m) return null;
  return { name, createdAt: new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`) };
}

function sorted(names: string[]): StoredBackup[] {
  return names
    .map(parseBackupName)
    .filter((b): b is StoredBackup => b !== null)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

export function createLocalBackupStore(dir: string): BackupStore {
  const root = path.resolve(dir);
  const fileOf = (name: string) => {
    if (!parseBackupName(name)) throw new Error(`not a backup name: ${name}`);
    return path.join(root, name);
  };
  return {
    location: root,
    async upload(name, file) {
      await mkdir(root, { recursive: true });
      const temp = `${fileOf(name)}.tmp`;
      await copyFile(file, temp);
      await rm(fileOf(name), { force: true });
      await copyFile(temp, fileOf(name));
      await rm(temp, { force: true });
    },
    download: (name, file) => copyFile(fileOf(name), file),
    async list() {
      try {
        return sorted(await readdir(root));
      } catch (err) {
        if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return [];
        throw err;
      }
    },
    remove: (name) => rm(fileOf(name), { force: true }),
  };
}

const PREFIX = 'backups/';

export function createVercelBackupStore(token: string): BackupStore {
  const blobs = createVercelBlobStore(token);
  return {
    location: `vercel-blob:${PREFIX}`,
    upload: (name, file) => blobs.putStream(`${PREFIX}${name}`, createReadStream(file), 'application/octet-stream'),
    async download(name, file) {
      const bytes = await blobs.get(`${PREFIX}${name}`);
      if (!bytes) throw new Error(`backup ${name} not found in Vercel Blob`);
      await writeFile(file, bytes);
    },
    list: async () => sorted((await blobs.list(PREFIX)).map((k) => k.slice(PREFIX.length))),
    remove: (name) => blobs.delete(`${PREFIX}${name}`),
  };
}

export function getBackupStore(env: Env): BackupStore {
  return env.BLOB_READ_WRITE_TOKEN ? createVercelBackupStore(env.BLOB_READ_WRITE_TOKEN) : createLocalBackupStore(env.BACKUP_DIR);
}

// Keeps every backup younger than keepDays, and always the newest one whatever its age.
export async function pruneBackups(store: BackupStore, now: Date, keepDays: number): Promise<string[]> {
  const all = await store.list();
  const cutoff = now.getTime() - keepDays * 24 * 60 * 60 * 1000;
  const expired = all.slice(0, -1).filter((b) => b.createdAt.getTime() < cutoff);
  for (const b of expired) await store.remove(b.name);
  return expired.map((b) => b.name);
}
