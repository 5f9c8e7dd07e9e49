import { getEnv } from '@/lib/env';
import type { Limiter, LimitResult } from './memory';
import { createMemoryLimiter } from './memory';
import type { PLANS } from '@/lib/db/schema';
import { AppError } from '@/lib/http/errors';

type Plan = (typeof PLANS)[number];

const MINUTE = 60_000;

export const TENANT_LIMITS_PER_MINUTE: Record<Plan, number> = {
  standard: 600,
  professional: 1_800,
  enterprise: 6_000,
};

interface Limiters {
  ip: Limiter;
  apiKey: Limiter;
  auth: Limiter;
  tenant: Record<Plan, Limiter>;
}

function build(): Limiters {
  const env = getEnv();
  return {
    ip: createMemoryLimiter('ip', env.RATE_LIMIT_IP_PER_MINUTE, MINUTE),
    apiKey: createMemoryLimiter('api-key', env.RATE_LIMIT_API_KEY_PER_MINUTE, MINUTE),
    auth: createMemoryLimiter('auth', env.RATE_LIMIT_AUTH_PER_MINUTE, MINUTE),
    tenant: {
      standard: createMemoryLimiter('tenant-standard', TENANT_LIMITS_PER_MINUTE.standard, MINUTE),
      professional: createMemoryLimiter('tenant-professional', TENANT_LIMITS_PER_MINUTE.professional, MINUTE),
      enterprise: createMemoryLimiter('tenant-enterprise', TENANT_LIMITS_PER_MINUTE.enterprise, MINUTE),
    },
  };
}

const holder = globalThis as typeof globalThis & { __reflexLimiters?: Limiters };

export function getLimiters(): Limiters {
  holder.__reflexLimiters ??= build();
  return holder.__reflexLimiters;
}

export function resetLimitersForTests(): void {
  holder.__reflexLimiters = undefined;
}

export function rateLimitHeaders(result: LimitResult): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(result.limit),
    'X-RateLimit-Remaining': String(result.remaining),
    'X-RateLimit-Reset': String(Math.ceil(result.reset / 1000)),
  };
}

// Applies limiters in order; the tightest passing result is reported in the headers.
export async function enforceLimits(checks: { limiter: Limiter; key: string }[]): Promise<Record<string, string>> {
  let tightest: LimitResult | undefined;
  for (const { limiter, key } of checks) {
    const result = await limiter.limit(key);
    if (!result.allowed) {
      const retryAfter = Math.max(1, Math.ceil((result.reset - Date.now()) / 1000));
      throw new AppError('rate_limited', `Too many requests (${limiter.name} limit). Retry in ${retryAfter} s.`, {
        headers: { ...rateLimitHeaders(result), 'Retry-After': String(retryAfter) },
      });
    }
    if (!tightest || result.remaining < tightest.remaining) tightest = result;
  }
  return tightest ? rateLimitHeaders(tightest) : {};
}
