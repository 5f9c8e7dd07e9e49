import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from '@upstash/redis';
import { createKvClient } from '@/lib/kv/client';
import { createUpstashLimiter } from '@/lib/ratelimit/upstash';
import { startUpstashProxy, type UpstashProxy } from '../../scripts/dev/upstash-proxy';
import { defineRouteLimitSuite, HOUR } from './suite';

// The same suite as memory.test.ts, with @upstash/ratelimit over @vercel/kv against a real Redis behind the
// Upstash-REST dev proxy: what production runs, minus Upstash itself.
const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) {
  console.log('[ratelimit] Redis suite skipped: TEST_REDIS_URL is not set (e.g. TEST_REDIS_URL=redis://127.0.0.1:6379)');
}
const suite = redisUrl ? describe : describe.skip;

const TOKEN = `test-token-${randomUUID()}`;
const RUN = `reflex-test:ratelimit:${randomUUID()}`;

suite('rate limits over real Redis (@upstash/ratelimit via the Upstash REST dev proxy)', () => {
  let proxy: UpstashProxy;

  beforeAll(async () => {
    proxy = await startUpstashProxy({ port: 0, redisUrl: redisUrl ?? '', token: TOKEN });
  });

  afterAll(async () => {
    if (!proxy) return;
    const redis = new Redis({ url: proxy.url, token: TOKEN, enableAutoPipelining: false });
    const keys = await redis.keys(`${RUN}*`);
    if (keys.length > 0) await redis.del(...keys);
    await proxy.close();
  });

  describe('through real routes', () => {
    defineRouteLimitSuite(() => ({ kv: { url: proxy.url, token: TOKEN }, prefix: `${RUN}:${randomUUID()}` }));
  });

  it('shares one count between two limiter instances (two server instances), which the in-process limiter cannot', async () => {
    const prefix = `${RUN}:${randomUUID()}`;
    const make = () =>
      createUpstashLimiter({ name: 'ip', limit: 3, windowMs: HOUR, redis: createKvClient({ url: proxy.url, token: TOKEN }), failMode: 'open', prefix, timeoutMs: 5_000 });
    const one = make();
    const two = make();
    expect((await one.limit('10.9.9.9')).allowed).toBe(true);
    expect((await two.limit('10.9.9.9')).allowed).toBe(true);
    const third = await one.limit('10.9.9.9');
    expect(third).toMatchObject({ allowed: true, limit: 3, remaining: 0 });
    expect(third.degraded).toBeUndefined();
    expect((await two.limit('10.9.9.9')).allowed).toBe(false);
  });
});
