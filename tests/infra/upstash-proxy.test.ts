import { createHash, randomUUID } from 'node:crypto';
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstashProxy, type UpstashProxy } from '../../scripts/dev/upstash-proxy';

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) {
  console.log('[upstash-proxy] skipped: TEST_REDIS_URL is not set (these tests need a real Redis, e.g. redis://127.0.0.1:6379)');
}
const suite = redisUrl ? describe : describe.skip;

const TOKEN = `test-token-${randomUUID()}`;
const PREFIX = `reflex-test:upstash-proxy:${randomUUID()}:`;
// Same shebang as @upstash/ratelimit's scripts, which Redis 7.0 rejects unless the proxy strips it.
const FLAGGED_SCRIPT = '#!lua flags=allow-key-locking\nreturn {KEYS[1], ARGV[1]}';
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

suite('upstash REST dev proxy against real Redis', () => {
  let proxy: UpstashProxy;
  let redis: Redis;

  beforeAll(async () => {
    // The suite is skipped when redisUrl is unset, so this only runs with a URL.
    proxy = await startUpstashProxy({ port: 0, redisUrl: redisUrl ?? '', token: TOKEN });
    redis = new Redis({ url: proxy.url, token: TOKEN });
  });

  afterAll(async () => {
    if (!proxy) return;
    const keys = await redis.keys(`${PREFIX}*`);
    if (keys.length > 0) await redis.del(...keys);
    await proxy.close();
  });

  it('round-trips set/get (including non-ASCII and JSON values) and incr', async () => {
    expect(await redis.set(`${PREFIX}text`, 'héllo ✓ wörld')).toBe('OK');
    expect(await redis.get(`${PREFIX}text`)).toBe('héllo ✓ wörld');
    await redis.set(`${PREFIX}json`, { plan: 'enterprise', seats: 12 });
    expect(await redis.get(`${PREFIX}json`)).toEqual({ plan: 'enterprise', seats: 12 });
    expect(await redis.get(`${PREFIX}missing`)).toBeNull();
    expect(await redis.incr(`${PREFIX}counter`)).toBe(1);
    expect(await redis.incr(`${PREFIX}counter`)).toBe(2);
    expect(await redis.type(`${PREFIX}counter`)).toBe('string');
  });

  it('runs explicit pipelines and multi-exec transactions in order', async () => {
    const piped = await redis
      .pipeline()
      .set(`${PREFIX}p`, 10)
      .incr(`${PREFIX}p`)
      .get(`${PREFIX}p`)
      .mget(`${PREFIX}p`, `${PREFIX}nope`)
      .exec();
    expect(piped).toEqual(['OK', 11, 11, [11, null]]);

    const tx = await redis.multi().incr(`${PREFIX}tx`).incr(`${PREFIX}tx`).get(`${PREFIX}tx`).exec();
    expect(tx).toEqual([1, 2, 2]);
  });

  it('surfaces Redis errors to the client', async () => {
    await redis.set(`${PREFIX}plain`, 'x');
    await expect(redis.lpush(`${PREFIX}plain`, 'y')).rejects.toThrow(/WRONGTYPE/);
  });

  it('refuses a wrong token', async () => {
    const intruder = new Redis({ url: proxy.url, token: 'not-the-token', enableAutoPipelining: false });
    await expect(intruder.get(`${PREFIX}text`)).rejects.toThrow(/Unauthorized/);
  });

  it('accepts flagged Lua scripts and maps the client sha for EVALSHA', async () => {
    const loaded = await redis.scriptLoad(FLAGGED_SCRIPT);
    expect(loaded).toBe(sha1(FLAGGED_SCRIPT));
    expect(await redis.evalsha(loaded, [`${PREFIX}k`], ['v'])).toEqual([`${PREFIX}k`, 'v']);
    expect(await redis.eval(FLAGGED_SCRIPT, [`${PREFIX}k2`], ['w'])).toEqual([`${PREFIX}k2`, 'w']);
    await expect(redis.evalsha(sha1(`return '${randomUUID()}'`), [], [])).rejects.toThrow(/NOSCRIPT/);
  });

  it('lets @upstash/ratelimit slidingWindow allow 3 and refuse the 4th per identifier', async () => {
    const limiter = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(3, '60 s'),
      prefix: `${PREFIX}rl`,
      // No in-memory block cache and no fail-open timeout: every decision must come from Redis via the proxy.
      ephemeralCache: false,
      timeout: 0,
      analytics: false,
    });
    const first: boolean[] = [];
    for (let i = 0; i < 4; i++) first.push((await limiter.limit('user-a')).success);
    expect(first).toEqual([true, true, true, false]);
    expect((await limiter.limit('user-b')).success).toBe(true);
    expect((await limiter.limit('user-a')).success).toBe(false);
  });
});
