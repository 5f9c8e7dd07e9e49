import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { twoFactor as twoFactorPlugin } from 'better-auth/plugins/two-factor';
import { getDb } from '@/lib/db/client';
import { account, session, twoFactor, user, verification } from '@/lib/db/schema';
import { requestAccountEmail } from '@/lib/email/request';
import { senderName } from '@/lib/email/transport';
import { getEnv, type Env } from '@/lib/env';
import { logger } from '@/lib/log';
import { PEER_ADDRESS_HEADER } from '@/lib/http/request-meta';
import { recordPasswordReset } from './account-audit';
import { resolveSecret } from './secret';

export const SESSION_LIFETIME_SECONDS = 24 * 60 * 60;
export const RESET_TOKEN_MINUTES = 30;
export const VERIFY_TOKEN_HOURS = 24;

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
    database: drizzleAdapter(db, { provider: 'pg', schema: { user, session, account, verification, twoFactor } }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 10,
      maxPasswordLength: 128,
      autoSignIn: true,
      // The link is single use (better-auth consumes the token with the new password, in one transaction) and short
      // lived; a reset ends every session, so whoever knew the old password is out.
      resetPasswordTokenExpiresIn: RESET_TOKEN_MINUTES * 60,
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: ({ user: u, url }) =>
        requestAccountEmail({ template: 'reset-password', to: u.email, name: u.name, url, brand: senderName(), expiresInMinutes: RESET_TOKEN_MINUTES }),
      onPasswordReset: ({ user: u }, request) => recordPasswordReset({ userId: u.id, email: u.email }, request),
    },
    emailVerification: {
      sendVerificationEmail: ({ user: u, url }) => requestAccountEmail({ template: 'verify-email', to: u.email, name: u.name, url, brand: senderName() }),
      sendOnSignUp: true,
      expiresIn: VERIFY_TOKEN_HOURS * 60 * 60,
    },
    // Reset tokens and two-factor challenges are looked up by a hash: a copy of the database (a backup) holds no
    // working password-reset link.
    verification: { storeIdentifier: 'hashed' },
    user: {
      // A verified address changes in two steps: a confirmation link to the current address, then a verification
      // link to the new one; the change happens when that second link is opened. An unverified address gets only
      // the second (there is no proven old address to ask).
      changeEmail: {
        enabled: true,
        sendChangeEmailConfirmation: ({ user: u, newEmail, url }) =>
          requestAccountEmail({ template: 'change-email', to: u.email, name: u.name, newEmail, url, brand: senderName() }),
      },
    },
    plugins: [
      // TOTP with ten single-use backup codes (stored encrypted with the auth secret). Sign-in answers
      // {twoFactorRedirect: true} instead of a session until /two-factor/verify-totp (or verify-backup-code)
      // accepts a code; no trusted-device cookie is offered by our UI.
      twoFactorPlugin({ issuer: senderName(), backupCodeOptions: { amount: 10, length: 10 } }),
    ],
    session: {
      expiresIn: SESSION_LIFETIME_SECONDS,
      // Absolute lifetime: a session is never extended; idle timeout is enforced in lib/auth/principal.ts.
      disableSessionRefresh: true,
      additionalFields: {
        activeTenantId: { type: 'string', required: false, input: false },
        lastActiveAt: { type: 'date', required: false, input: false },
        ssoTenantId: { type: 'string', required: false, input: false },
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
      // The address a session lists (profile → sessions) is the one our own limiter and audit log use
      // (lib/http/request-meta.ts): the TCP peer stamped by the server, or Vercel's header on Vercel; never a
      // client's own X-Forwarded-For. Whole IPv6 addresses, not /64 prefixes.
      ipAddress: { ipAddressHeaders: env.VERCEL ? ['x-vercel-forwarded-for', 'x-real-ip'] : [PEER_ADDRESS_HEADER], ipv6Subnet: 128 },
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
