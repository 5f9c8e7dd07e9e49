import { describe, expect, it } from 'vitest';
import { unsafePatternReason } from '@/lib/settings/regex-safety';
import { unknownKeyPaths } from '@/lib/settings/unknown-keys';

describe('unsafePatternReason', () => {
  it.each([
    'invoice (no\\.|number)\\s*[:#]?\\s*\\w+',
    '\\b(?:\\d[ -]?){13,16}\\b',
    '^total:\\s*\\d+(\\.\\d{2})?$',
    '(?<year>\\d{4})-(\\d{2})',
    '[(+*)]+ literal brackets',
    '(ab|cd)+',
    '(a+)?b',
    '(?:\\w+\\s){0,3}end',
  ])('accepts %s', (pattern) => {
    expect(unsafePatternReason(pattern)).toBeUndefined();
  });

  it.each([
    ['^(a+)+$', /nested quantifiers/],
    ['(\\w*)*x', /nested quantifiers/],
    ['((ab)+c)*', /nested quantifiers/],
    ['(?:x+y?){2,}', /nested quantifiers/],
    ['(a{1,})+', /nested quantifiers/],
    ['(\\d+){1,50}', /nested quantifiers/],
    ['(a)\\1', /backreferences/],
    ['(?<q>a)\\k<q>', /backreferences/],
    ['a'.repeat(301), /longer than/],
  ])('refuses %s', (pattern, reason) => {
    expect(unsafePatternReason(pattern)).toMatch(reason);
  });
});

describe('unknownKeyPaths', () => {
  it('lists keys dropped by parsing at any depth, ignoring defaults the output added', () => {
    const input = { a: 1, extra: 2, list: [{ k: 1, junk: true }], nested: { ok: 1, bad: 2 } };
    const output = { a: 1, added: 3, list: [{ k: 1 }], nested: { ok: 1 } };
    expect(unknownKeyPaths(input, output)).toEqual([['extra'], ['list', 0, 'junk'], ['nested', 'bad']]);
  });
});
