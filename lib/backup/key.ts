import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '@/lib/env';
import { logger } from '@/lib/log';
import { BackupError } from './errors';

export const KEY_BYTES = 32;

function decodeKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new BackupError(`${source} must hold 32 random bytes in base64 (openssl rand -base64 32)`);
  return key;
}

function isMissing(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}

// BACKUP_ENCRYPTION_KEY wins. Production (NODE_ENV=production or Vercel) refuses to run without it: an archive of
// every tenant's data must never be written in clear, nor under a key nobody knows to keep. In development a key is
// generated once into BACKUP_KEY_FILE (mode 0600) with a loud warning, so `npm run backup` works with no setup and a
// later `npm run restore` on the same machine finds the same key.
export async function resolveBackupKey(env: Env): Promise<Buffer> {
  if (env.BACKUP_ENCRYPTION_KEY) return decodeKey(env.BACKUP_ENCRYPTION_KEY, 'BACKUP_ENCRYPTION_KEY');
  if (env.NODE_ENV === 'production' || env.VERCEL) {
    throw new BackupError('BACKUP_ENCRYPTION_KEY is not set: backups are refused in production without it. Set it to `openssl rand -base64 32` and keep a copy outside this deployment.');
  }
  const file = path.resolve(env.BACKUP_KEY_FILE);
  try {
    return decodeKey(await readFile(file, 'utf8'), file);
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  const text = randomBytes(KEY_BYTES).toString('base64');
  await mkdir(path.dirname(file), { recursive: true });
  // 'wx': two processes racing here must not both write different keys.
  await writeFile(file, `${text}\n`, { mode: 0o600, flag: 'wx' }).catch(async (err: unknown) => {
    if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
  });
  logger.warn(`BACKUP_ENCRYPTION_KEY is not set: generated a development backup key in ${file}. Archives are unreadable without it; set BACKUP_ENCRYPTION_KEY in production.`);
  return decodeKey(await readFile(file, 'utf8'), file);
}
