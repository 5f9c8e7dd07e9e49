import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { getDb } from '@/lib/db/client';
import { account, session, user, verification } from '@/lib/db/schema';
import { getEnv, type Env } from '@/lib/env';

export const SESSION_LIFETIME_SECONDS = 24 * 60 * 60;

// Without BETTER_AUTH_SECRET the embedded default keeps a random secret next to the embedded database, so
// sessions survive restarts. On Vercel there is no lasting disk, so the secret is required there.
function resolveSecret(env: Env): string {
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

function createAuth(db: Awaited<ReturnType<typeof getDb>>, env: Env) {
  return betterAuth({
    appName: 'Reflex',
    baseURL: env.APP_URL ?? `http://localhost:${process.env.PORT ?? '3000'}`,
    basePath: '/api/auth',
    secret: resolveSecret(env),
    database: drizzleAdapter(db, { provider: 'pg', schema: { user, session, account, verification } }),
    emailAndPassword: { enabled: true, minPasswordLength: 10, maxPasswordLength: 128, autoSignIn: true },
    session: {
      expiresIn: SESSION_LIFETIME_SECONDS,
      // Absolute lifetime: a session is never extended; idle timeout is enforced in lib/auth/principal.ts.
      disableSessionRefresh: true,
      additionalFields: {
        activeTenantId: { type: 'string', required: false, input: false },
        lastActiveAt: { type: 'date', required: false, input: false },
      },
    },
    // Sign-in and sign-up are rate limited by our own limiter in front of this handler (lib/ratelimit).
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    // A browser request is trusted only when its Origin is the host it was sent to (CSRF).
    trustedOrigins: (request) => (request ? [new URL(request.url).origin] : []),
    advanced: {
      database: { generateId: 'uuid' },
      useSecureCookies: (env.APP_URL ?? '').startsWith('https://'),
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

const holder = globalThis as typeof globalThis & { __reflexAuth?: Promise<Auth> };

export function getAuth(): Promise<Auth> {
  holder.__reflexAuth ??= getDb().then((db) => createAuth(db, getEnv()));
  return holder.__reflexAuth;
}

export function resetAuthForTests(): void {
  holder.__reflexAuth = undefined;
}
