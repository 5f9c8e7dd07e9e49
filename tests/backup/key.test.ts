import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBackupKey } from '@/lib/backup/key';
import { parseEnv } from '@/lib/env';
import { tempDir } from './helpers';

const base = { NODE_ENV: 'test', BETTER_AUTH_SECRET: 'test-secret-test-secret-test-secret-0123' } as const;

describe('backup encryption key', () => {
  it('is refused in production when BACKUP_ENCRYPTION_KEY is unset', async () => {
    const keyFile = path.join(tempDir('key'), 'backup.key');
    await expect(resolveBackupKey(parseEnv({ ...base, NODE_ENV: 'production', BACKUP_KEY_FILE: keyFile }))).rejects.toThrow(/BACKUP_ENCRYPTION_KEY is not set: backups are refused in production/);
    await expect(resolveBackupKey(parseEnv({ ...base, VERCEL: '1', BACKUP_KEY_FILE: keyFile }))).rejects.toThrow(/refused in production/);
  });

  it('in development is generated once into a private key file and reused', async () => {
    const keyFile = path.join(tempDir('key'), 'nested', 'backup.key');
    const env = parseEnv({ ...base, NODE_ENV: 'development', BACKUP_KEY_FILE: keyFile });
    const first = await resolveBackupKey(env);
    expect(first).toHaveLength(32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(await resolveBackupKey(env)).toEqual(first);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toEqual(first);
  });

  it('rejects a key that is not 32 bytes of base64', () => {
    expect(() => parseEnv({ ...base, BACKUP_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/BACKUP_ENCRYPTION_KEY must be 32 random bytes/);
  });
});
