import { eq, sql } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { queryRows } from '@/lib/db/sql';
import { session as sessionTable } from '@/lib/db/schema';
import { getEnv } from '@/lib/env';
import { AppError, unauthenticated } from '@/lib/http/errors';
import { getAuth, SESSION_LIFETIME_SECONDS } from './auth';
import { hashApiKey, looksLikeApiKey } from './api-key-secret';

export type Principal =
  | {
      kind: 'user';
      userId: string;
      email: string;
      name: string;
      sessionId: string;
      activeTenantId: string | null;
      // What an organization's security policy asks of a member (lib/tenancy/security-policy.ts).
      emailVerified: boolean;
      twoFactorEnabled: boolean;
      /** The organization whose identity provider signed this session in (SSO); null for a password sign-in. */
      ssoTenantId: string | null;
    }
  | { kind: 'apiKey'; keyId: string; tenantId: string };

// Writing last_active_at on every request would turn every read into a write; a minute's precision is enough
// for an idle timeout measured in tens of minutes.
const TOUCH_INTERVAL_MS = 60_000;

function bearerToken(req: Request): string | null {
  const header = req.headers.get('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw unauthenticated('The Authorization header must be "Bearer <api key>"');
  return match[1];
}

// Which tenant and key a secret belongs to never changes (the hash is fixed when the key is created), so known
// answers are kept in this process and a request with a known key needs no lookup before its tenant
// transaction. Revocation, expiry and the creator's permissions are not cached: the access check
// (lib/tenancy/access.ts) reads them inside that transaction on every request. Unknown secrets are never cached, so a new key works
// at once; the bound keeps a flood of distinct keys from growing memory.
const KEY_CACHE_MAX = 10_000;
const keyCache = new Map<string, { keyId: string; tenantId: string }>();

function rememberKey(hash: string, entry: { keyId: string; tenantId: string }): void {
  if (keyCache.size >= KEY_CACHE_MAX) {
    const oldest = keyCache.keys().next();
    if (!oldest.done) keyCache.delete(oldest.value);
  }
  keyCache.set(hash, entry);
}

async function resolveApiKey(secret: string): Promise<Principal> {
  if (!looksLikeApiKey(secret)) throw unauthenticated('Invalid API key');
  const hash = hashApiKey(secret);
  const known = keyCache.get(hash);
  if (known) return { kind: 'apiKey', ...known };
  const db = await getDb();
  const [row] = await queryRows<{ key_id: string; tenant_id: string }>(db, sql`select key_id, tenant_id from reflex_resolve_api_key(${hash})`);
  if (!row) throw unauthenticated('Invalid API key');
  rememberKey(hash, { keyId: row.key_id, tenantId: row.tenant_id });
  return { kind: 'apiKey', keyId: row.key_id, tenantId: row.tenant_id };
}

async function resolveSession(req: Request): Promise<Principal | null> {
  const auth = await getAuth();
  const found = await auth.api.getSession({ headers: req.headers, query: { disableCookieCache: true } });
  if (!found) return null;
  const now = Date.now();
  const created = new Date(found.session.createdAt).getTime();
  const lastActive = found.session.lastActiveAt ? new Date(found.session.lastActiveAt).getTime() : created;
  const idleMs = getEnv().SESSION_IDLE_MINUTES * 60_000;
  const db = await getDb();
  if (now - created > SESSION_LIFETIME_SECONDS * 1000 || now - lastActive > idleMs) {
    await db.delete(sessionTable).where(eq(sessionTable.id, found.session.id));
    throw new AppError('unauthenticated', 'Your session has expired. Sign in again.');
  }
  if (now - lastActive > TOUCH_INTERVAL_MS) {
    await db.update(sessionTable).set({ lastActiveAt: new Date(now) }).where(eq(sessionTable.id, found.session.id));
  }
  return {
    kind: 'user',
    userId: found.user.id,
    email: found.user.email,
    name: found.user.name,
    sessionId: found.session.id,
    emailVerified: found.user.emailVerified,
    twoFactorEnabled: found.user.twoFactorEnabled === true,
    ssoTenantId: found.session.ssoTenantId ?? null,
    activeTenantId: found.session.activeTenantId ?? (await pickDefaultTenant(found.session.id, found.user.id)),
  };
}

// A fresh session (sign-in, sign-up) starts in the user's first organization, so the app works without an extra
// switch; a user with no organization stays without one until they create or join one.
async function pickDefaultTenant(sessionId: string, userId: string): Promise<string | null> {
  const db = await getDb();
  const [first] = await queryRows<{ tenant_id: string }>(db, sql`select tenant_id from reflex_user_active_tenants(${userId}) limit 1`);
  if (!first) return null;
  await db.update(sessionTable).set({ activeTenantId: first.tenant_id }).where(eq(sessionTable.id, sessionId));
  return first.tenant_id;
}

// Resolved before any tenant transaction opens: on the embedded database there is one connection, and a
// lookup outside an open transaction would wait for it forever (STACK-NOTES.md).
export async function resolvePrincipal(req: Request): Promise<Principal> {
  const token = bearerToken(req);
  if (token) return resolveApiKey(token);
  const principal = await resolveSession(req);
  if (!principal) throw unauthenticated();
  return principal;
}

export async function resolveOptionalSession(req: Request): Promise<Principal | null> {
  try {
    return await resolveSession(req);
  } catch (err) {
    if (err instanceof AppError && err.code === 'unauthenticated') return null;
    throw err;
  }
}
