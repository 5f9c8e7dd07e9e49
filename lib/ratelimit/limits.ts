import type { PLANS } from '@/lib/db/schema';
import { getEnv, type Env } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import { createKvClient, kvRestConfig, KV_TIMEOUT_MS, type KvRestConfig } from '@/lib/kv/client';
import { getMetrics } from '@/lib/metrics/registry';
import type { Limiter, LimitResult } from './memory';
import { createMemoryLimiter } from './memory';
import { createKvBreaker, createUpstashLimiter, type FailMode } from './upstash';

type Plan = (typeof PLANS)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const TENANT_LIMITS_PER_MINUTE: Record<Plan, number> = {
  standard: 600,
  professional: 1_800,
  enterprise: 6_000,
};

/**
 * Failure policy per limiter, applied only when the limits live in KV (the in-process limiter cannot fail):
 *
 * | limiter            | KV unreachable / slower than KV_TIMEOUT_MS        | why                                             |
 * |--------------------|---------------------------------------------------|-------------------------------------------------|
 * | ip                 | open: allow, warn (throttled), count the decision | an outage of a cache must not take the API down |
 * | api-key            | open                                              | same; the key is authenticated anyway           |
 * | tenant-<plan>      | open                                              | same; plan limits are about fairness, not abuse |
 * | auth (sign-in/up)  | closed: 503 + Retry-After                         | unthrottled password guessing is the worse harm |
 * | email-address      | closed                                            | an unthrottled mail bomb harms a third party    |
 * | platform           | closed: 503 + Retry-After                         | guards the operator token; operators can retry  |
 *
 * Decisions taken without KV are counted in `reflex_rate_limit_degraded_total{limiter, outcome}`. The default
 * Upstash behaviour (allow after 5 s) is replaced by KV_TIMEOUT_MS (lib/kv/client.ts) on every round trip, and
 * after one failure KV is not asked again for a few seconds (a breaker shared by all limiters), so an outage
 * costs one timeout, not one per limiter per request.
 */
export const FAIL_MODES = {
  ip: 'open',
  apiKey: 'open',
  tenant: 'open',
  auth: 'closed',
  emailAddress: 'closed',
  platform: 'closed',
} as const satisfies Record<string, FailMode>;

export interface Limiters {
  ip: Limiter;
  apiKey: Limiter;
  auth: Limiter;
  /** Emails asked for by an anonymous caller (password reset, verification), per recipient address, per hour. */
  emailAddress: Limiter;
  platform: Limiter;
  tenant: Record<Plan, Limiter>;
}

export interface LimitSettings {
  ipPerMinute: number;
  apiKeyPerMinute: number;
  authPerMinute: number;
  /** Default 5. */
  emailPerAddressPerHour?: number;
  tenantPerMinute: Record<Plan, number>;
}

export interface LimiterBackendOptions {
  /** Upstash REST endpoint; null keeps the limits in this process. */
  kv: Pick<KvRestConfig, 'url' | 'token'> | null;
  /** Redis key prefix, so several deployments (or test runs) can share one database. */
  prefix?: string;
  timeoutMs?: number;
  windowMs?: number;
  /** How long to stop asking KV after it failed (lib/ratelimit/upstash.ts). */
  breakerCooldownMs?: number;
}

export function limitSettings(env: Env): LimitSettings {
  return {
    ipPerMinute: env.RATE_LIMIT_IP_PER_MINUTE,
    apiKeyPerMinute: env.RATE_LIMIT_API_KEY_PER_MINUTE,
    authPerMinute: env.RATE_LIMIT_AUTH_PER_MINUTE,
    emailPerAddressPerHour: env.RATE_LIMIT_EMAIL_PER_HOUR,
    tenantPerMinute: TENANT_LIMITS_PER_MINUTE,
  };
}

export function buildLimiters(settings: LimitSettings, backend: LimiterBackendOptions): Limiters {
  const windowMs = backend.windowMs ?? MINUTE;
  const kv = backend.kv;
  const redis = kv ? createKvClient(kv, backend.timeoutMs ?? KV_TIMEOUT_MS) : null;
  const breaker = createKvBreaker(backend.breakerCooldownMs);
  const make = (name: string, limit: number, failMode: FailMode, window = windowMs): Limiter =>
    redis
      ? createUpstashLimiter({
          name,
          limit,
          windowMs: window,
          redis,
          failMode,
          prefix: backend.prefix ?? 'reflex:rl',
          // Backstop over the client's own per-request abort (one retry included).
          timeoutMs: 2 * (backend.timeoutMs ?? KV_TIMEOUT_MS) + 100,
          breaker,
        })
      : createMemoryLimiter(name, limit, window);
  const t = settings.tenantPerMinute;
  return {
    ip: make('ip', settings.ipPerMinute, FAIL_MODES.ip),
    apiKey: make('api-key', settings.apiKeyPerMinute, FAIL_MODES.apiKey),
    auth: make('auth', settings.authPerMinute, FAIL_MODES.auth),
    emailAddress: make('email-address', settings.emailPerAddressPerHour ?? 5, FAIL_MODES.emailAddress, backend.windowMs ?? HOUR),
    platform: make('platform', settings.authPerMinute, FAIL_MODES.platform),
    tenant: {
      standard: make('tenant-standard', t.standard, FAIL_MODES.tenant),
      professional: make('tenant-professional', t.professional, FAIL_MODES.tenant),
      enterprise: make('tenant-enterprise', t.enterprise, FAIL_MODES.tenant),
    },
  };
}

// Built once per process (kept on globalThis across dev reloads): @upstash/ratelimit keeps its script cache
// and ephemeral block list on the instance, so a limiter per request would lose both.
const holder = globalThis as typeof globalThis & { __reflexLimiters?: Limiters };

export function getLimiters(): Limiters {
  if (!holder.__reflexLimiters) {
    const env = getEnv();
    holder.__reflexLimiters = buildLimiters(limitSettings(env), { kv: kvRestConfig(env) });
  }
  return holder.__reflexLimiters;
}

export function resetLimitersForTests(): void {
  holder.__reflexLimiters = undefined;
}

export function setLimitersForTests(limiters: Limiters): void {
  holder.__reflexLimiters = limiters;
}

export function rateLimitHeaders(result: LimitResult): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(result.limit),
    'X-RateLimit-Remaining': String(result.remaining),
    'X-RateLimit-Reset': String(Math.ceil(result.reset / 1000)),
  };
}

// Applies limiters in order; the tightest passing result is reported in the headers. A fail-open decision
// knows no counts, so it reports none.
export async function enforceLimits(checks: { limiter: Limiter; key: string }[]): Promise<Record<string, string>> {
  let tightest: LimitResult | undefined;
  for (const { limiter, key } of checks) {
    const result = await limiter.limit(key);
    if (!result.allowed) {
      getMetrics().rateLimitRefusals.inc({ limiter: limiter.name });
      const retryAfter = Math.max(1, Math.ceil((result.reset - Date.now()) / 1000));
      throw new AppError('rate_limited', `Too many requests (${limiter.name} limit). Retry in ${retryAfter} s.`, {
        headers: { ...rateLimitHeaders(result), 'Retry-After': String(retryAfter) },
      });
    }
    if (result.degraded) continue;
    if (!tightest || result.remaining < tightest.remaining) tightest = result;
  }
  return tightest ? rateLimitHeaders(tightest) : {};
}
