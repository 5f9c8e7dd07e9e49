import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { getDb } from '@/lib/db/client';
import { account, session, user, verification } from '@/lib/db/schema';
import { getEnv, type Env } from '@/lib/env';
import { logger } from '@/lib/log';

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

const MAX_DETAIL_CHARS = 2000;

// An extra argument as text: an error by its message, anything else as JSON when it can be (a context object
// may be circular), never longer than a log line should be.
function detailOf(value: unknown): string {
  if (value instanceof Error) return value.message;
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}…` : text;
}

// better-auth passes extra arguments (an error, a context object) after the message; they become one field.
function logAuthEvent(level: 'debug' | 'info' | 'warn' | 'error', message: string, ...args: unknown[]): void {
  logger[level](`better-auth: ${message}`, { source: 'better-auth', ...(args.length > 0 ? { details: args.map(detailOf) } : {}) });
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
    // Our logs are one JSON object per line; better-auth's own (coloured text by default) go through the same logger.
    logger: { level: 'warn', log: logAuthEvent },
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
