import { getEnv } from '@/lib/env';
import type { Access, AccessSubject } from './access';

/**
 * Access decisions a read may reuse for at most ACCESS_CACHE_TTL_MS (≤ 1 s), per instance.
 *
 * The access statement joins the tenant, its billing account, the key, the membership and the role, and checks
 * for an enforced SSO domain (lib/tenancy/access.ts); sent with BEGIN on every request it was the largest part
 * of the database's work for a list (docs/performance.md). Only allowed decisions are kept, and only for
 * GET/HEAD (lib/http/route.ts): writes always decide inside their own transaction. Revoking a key, removing,
 * deactivating or demoting a member, or suspending the organization therefore reaches every instance's reads
 * within the TTL, because each instance re-reads once its entry is older than that; an instance that handles
 * a mutation itself forgets everything at once (forgetAccessDecisions), so its own caller never sees a stale
 * answer.
 */
export interface AccessCache {
  recall(subject: CacheSubject, tenantId: string): Access | undefined;
  remember(subject: CacheSubject, tenantId: string, access: Access): void;
  forget(): void;
}

// A session's SSO origin changes its policy view (access.ts sessionPolicy), so it is part of the key.
export type CacheSubject = AccessSubject & { ssoTenantId?: string | null };

// Bounds memory when many keys or members are active within one TTL.
const MAX_ENTRIES = 10_000;

function keyOf(subject: CacheSubject, tenantId: string): string {
  return subject.kind === 'apiKey' ? `k:${subject.keyId}:${tenantId}` : `u:${subject.userId}:${tenantId}:${subject.ssoTenantId ?? ''}`;
}

// The default clock reads Date.now at each call, so a test that moves the system clock moves this one too.
export function createAccessCache(ttlMs: number, now: () => number = () => Date.now()): AccessCache {
  const entries = new Map<string, { access: Access; expires: number }>();
  return {
    recall(subject, tenantId) {
      if (ttlMs <= 0) return undefined;
      const key = keyOf(subject, tenantId);
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (now() < entry.expires) return entry.access;
      entries.delete(key);
      return undefined;
    },
    remember(subject, tenantId, access) {
      if (ttlMs <= 0) return;
      const key = keyOf(subject, tenantId);
      // Re-inserting moves the key to the end, so the first key is always the oldest one.
      entries.delete(key);
      if (entries.size >= MAX_ENTRIES) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(key, { access, expires: now() + ttlMs });
    },
    forget() {
      entries.clear();
    },
  };
}

// One per process, kept on globalThis across dev reloads like the limiters.
const holder = globalThis as typeof globalThis & { __reflexAccessCache?: AccessCache };

export function getAccessCache(): AccessCache {
  holder.__reflexAccessCache ??= createAccessCache(getEnv().ACCESS_CACHE_TTL_MS);
  return holder.__reflexAccessCache;
}

export function forgetAccessDecisions(): void {
  holder.__reflexAccessCache?.forget();
}

export function setAccessCacheForTests(cache: AccessCache | undefined): void {
  holder.__reflexAccessCache = cache;
}
