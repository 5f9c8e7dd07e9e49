import { Ratelimit } from '@upstash/ratelimit';
import type { VercelKV } from '@vercel/kv';
import { AppError } from '@/lib/http/errors';
import { logger } from '@/lib/log';
import type { Limiter, LimitResult } from './memory';
import { noteDegradedDecision } from './metrics';

/**
 * What a limiter does when its KV backend cannot answer (unreachable, erroring, or slower than the timeout):
 * - `open`: allow the request, log a warning (at most every WARN_INTERVAL_MS per limiter) and count it.
 * - `closed`: refuse with 503 `unavailable` and a Retry-After, and count it.
 */
export type FailMode = 'open' | 'closed';

const WARN_INTERVAL_MS = 10_000;
const CLOSED_RETRY_AFTER_SECONDS = 5;
const BREAKER_COOLDOWN_MS = 3_000;

/**
 * Shared by every limiter on one KV client: after a failure, decisions skip KV for BREAKER_COOLDOWN_MS and go
 * straight to each limiter's policy. Without it a silent KV would add its full timeout to every request, once
 * per limiter in the chain.
 */
export interface KvBreaker {
  isOpen(now: number): boolean;
  trip(now: number): void;
}

export function createKvBreaker(cooldownMs = BREAKER_COOLDOWN_MS): KvBreaker {
  let openUntil = 0;
  return {
    isOpen: (now) => now < openUntil,
    trip: (now) => {
      openUntil = now + cooldownMs;
    },
  };
}

export interface UpstashLimiterOptions {
  name: string;
  limit: number;
  windowMs: number;
  redis: VercelKV;
  failMode: FailMode;
  prefix: string;
  /** Upper bound on one decision; the KV client also aborts each round trip on its own timeout. */
  timeoutMs: number;
  breaker?: KvBreaker;
}

class KvUnanswered extends Error {}

// @upstash/ratelimit's slidingWindow (the algorithm lib/ratelimit/memory.ts mirrors), behind an explicit
// failure policy. The library's own timeout answers "allowed" with reason 'timeout'; that is treated as a
// failure here, so a fail-closed limiter never lets a request through because KV was slow.
export function createUpstashLimiter(opts: UpstashLimiterOptions): Limiter {
  const ratelimit = new Ratelimit({
    redis: opts.redis,
    limiter: Ratelimit.slidingWindow(opts.limit, `${opts.windowMs} ms`),
    prefix: `${opts.prefix}:${opts.name}`,
    timeout: opts.timeoutMs,
    analytics: false,
  });
  let lastWarning = 0;
  const breaker = opts.breaker ?? createKvBreaker();

  function degrade(err: unknown): LimitResult {
    const reason = err instanceof Error ? err.message : String(err);
    noteDegradedDecision(opts.name, opts.failMode === 'open' ? 'allowed' : 'refused');
    if (opts.failMode === 'closed') {
      logger.error('rate limiter backend unavailable: refusing (fail-closed)', { limiter: opts.name, reason });
      throw new AppError('unavailable', 'This is temporarily unavailable. Try again in a few seconds.', {
        headers: { 'Retry-After': String(CLOSED_RETRY_AFTER_SECONDS) },
      });
    }
    const now = Date.now();
    if (now - lastWarning >= WARN_INTERVAL_MS) {
      lastWarning = now;
      logger.warn('rate limiter backend unavailable: allowing (fail-open)', { limiter: opts.name, reason });
    }
    return { allowed: true, limit: opts.limit, remaining: opts.limit, reset: now + opts.windowMs, degraded: true };
  }

  return {
    name: opts.name,
    async limit(identifier: string): Promise<LimitResult> {
      if (breaker.isOpen(Date.now())) return degrade(new KvUnanswered('KV failed moments ago; not asking again yet'));
      try {
        const r = await ratelimit.limit(identifier);
        if (r.reason === 'timeout') throw new KvUnanswered(`no answer within ${opts.timeoutMs} ms`);
        return { allowed: r.success, limit: r.limit, remaining: Math.max(0, r.remaining), reset: r.reset };
      } catch (err) {
        breaker.trip(Date.now());
        return degrade(err);
      }
    },
  };
}
