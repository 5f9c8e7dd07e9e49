import { describe, expect, it } from 'vitest';
import { initialRanks, isValidRank, rankBetween } from '@/lib/tasks/rank';

// Deterministic pseudo-random sequence, so a failure reproduces.
function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('rankBetween', () => {
  it('starts at a0 and appends by incrementing', () => {
    expect(initialRanks(3)).toEqual(['a0', 'a1', 'a2']);
    expect(rankBetween('az', null)).toBe('b00');
    expect(rankBetween(null, 'a0')).toBe('Zz');
    expect(rankBetween('a0', 'a1')).toBe('a0V');
  });

  it('always lands strictly between its neighbours, with valid keys, under thousands of random inserts', () => {
    const random = lcg(42);
    const keys: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const slot = Math.floor(random() * (keys.length + 1));
      const key = rankBetween(keys[slot - 1] ?? null, keys[slot] ?? null);
      expect(isValidRank(key)).toBe(true);
      keys.splice(slot, 0, key);
    }
    for (let i = 1; i < keys.length; i++) expect((keys[i - 1] ?? '') < (keys[i] ?? '')).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps keys short when appending or prepending repeatedly', () => {
    let last: string | null = null;
    let first: string | null = null;
    for (let i = 0; i < 500; i++) {
      last = rankBetween(last, null);
      first = rankBetween(null, first);
    }
    expect(last?.length).toBeLessThanOrEqual(3);
    expect(first?.length).toBeLessThanOrEqual(3);
    let end: string | null = null;
    for (let i = 0; i < 100_000; i++) end = rankBetween(end, null);
    expect(end?.length).toBeLessThanOrEqual(4);
  });

  it('refuses neighbours out of order and malformed keys', () => {
    expect(() => rankBetween('a1', 'a0')).toThrow(/out of order/);
    expect(() => rankBetween('a0', 'a0')).toThrow(/out of order/);
    expect(() => rankBetween('a10', null)).toThrow(/invalid rank/);
    expect(() => rankBetween('a', null)).toThrow(/invalid rank/);
    expect(() => rankBetween('!x', null)).toThrow(/invalid rank/);
    expect(() => rankBetween('a0-', null)).toThrow(/invalid rank/);
  });

  it('spreads initial ranks in order', () => {
    const ranks = initialRanks(10);
    expect([...ranks].sort()).toEqual(ranks);
    expect(new Set(ranks).size).toBe(10);
  });
});
