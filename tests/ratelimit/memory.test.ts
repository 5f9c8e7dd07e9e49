import { describe, expect, it } from 'vitest';
import { createMemoryLimiter } from '@/lib/ratelimit/memory';
import { defineRouteLimitSuite, HOUR } from './suite';

describe('rate limits through real routes, in-process limiter (the embedded default)', () => {
  defineRouteLimitSuite(() => ({ kv: null }));
});

describe('in-process sliding window', () => {
  it('weighs the previous window by its remaining overlap, like @upstash/ratelimit slidingWindow', async () => {
    let now = 10 * HOUR;
    const limiter = createMemoryLimiter('t', 10, HOUR, () => now);
    for (let i = 0; i < 10; i++) expect((await limiter.limit('k')).allowed).toBe(true);
    expect((await limiter.limit('k')).allowed).toBe(false);
    // A quarter into the next window, 75% of the previous 10 still count: 7 used, 3 left.
    now += HOUR + HOUR / 4;
    const allowed: boolean[] = [];
    for (let i = 0; i < 4; i++) allowed.push((await limiter.limit('k')).allowed);
    expect(allowed).toEqual([true, true, true, false]);
    // Two windows later nothing of the past counts.
    now += 2 * HOUR;
    expect((await limiter.limit('k')).remaining).toBe(9);
  });
});
