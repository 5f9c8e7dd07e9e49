import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getEnv, type Env } from '@/lib/env';

// Without BETTER_AUTH_SECRET the embedded default keeps a random secret next to the embedded database, so
// sessions survive restarts. On Vercel there is no lasting disk, so the secret is required there.
export function resolveSecret(env: Env): string {
  if (env.BETTER_AUTH_SECRET) return env.BETTER_AUTH_SECRET;
  if (env.VERCEL || env.NODE_ENV === 'production' && env.DATABASE_URL) {
    throw new Error('BETTER_AUTH_SECRET is required when running against a server database in production');
  }
  const file = path.resolve('.data/auth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

// The same secret better-auth signs with; other keys (lib/email/keys.ts) are derived from it, never equal to it.
export function getAuthSecret(): string {
  return resolveSecret(getEnv());
}
