import { beforeAll, describe, expect, it } from 'vitest';
import * as settingsRoute from '@/app/api/v1/settings/ai/route';
import { compileTenantPattern, firstMatch, SNIPPET_WINDOW, tenantPatternProblem } from '@/lib/ai/tenant-pattern';
import type { Rule } from '@/lib/ai/types';
import { evaluateRules } from '@/lib/ai/verify-rules';
import { parseAiSettings } from '@/lib/documents/ai-settings';
import { call, provision, type Identity } from '../helpers/http';

const NOW = new Date('2026-01-01T00:00:00Z');
const forbidden = (pattern: string): Rule => ({ kind: 'forbidden-pattern', name: 'p', pattern });

// Inputs of the size the pipeline verifies (up to 500k characters). A backtracking engine takes 15–20 s on the
// first two patterns with 27 characters; on these it would never return, and the test would hang.
const LONG_A = `${'a'.repeat(200_000)}!`;
const LONG_WORDS = `${'ab1_'.repeat(100_000)}!`;

describe('tenant patterns run in a linear-time engine', () => {
  it('answers overlapping alternations under a quantifier on long inputs, and answers right', () => {
    const results = evaluateRules(
      LONG_A,
      [forbidden('(a|a)+$'), forbidden('(?:\\w|\\d)+$'), forbidden('^(a+)+$'), forbidden('(x+x+)+y'), forbidden('(a|a)+!$')],
      NOW,
    );
    expect(results.map((r) => r.passed)).toEqual([true, true, true, true, false]);
    // Whether it matches is decided on the whole text; the text of a match is only looked for in the first 64k.
    expect(results[4]?.detail).toBe(`p present: a match past the first ${SNIPPET_WINDOW} characters`);

    const words = evaluateRules(LONG_WORDS, [forbidden('(?:\\w|\\d)+$'), { kind: 'required-field', name: 'tail', pattern: '(?:\\w|\\d)+!$' }], NOW);
    expect(words.map((r) => [r.passed, r.detail])).toEqual([
      [true, 'p absent'],
      [true, `tail: a match past the first ${SNIPPET_WINDOW} characters`],
    ]);
    const early = evaluateRules(`invoice number: 42\n${LONG_WORDS}`, [{ kind: 'required-field', name: 'no', pattern: 'invoice number:\\s*\\d+' }], NOW);
    expect(early[0]?.detail).toBe('no: "invoice number: 42"');
  });

  it('matches case-insensitively, line by line, and finds the leftmost match', () => {
    const pattern = compileTenantPattern('^total:\\s*(\\d+)$');
    expect(firstMatch(pattern, 'Invoice\nTOTAL: 12\ntotal: 99')).toEqual({ text: 'TOTAL: 12' });
    expect(firstMatch(compileTenantPattern('(?<year>\\d{4})-(\\d{2})'), 'due 2026-03 or 2027-01')).toEqual({ text: '2026-03' });
    expect(firstMatch(pattern, 'no totals here')).toBeNull();
  });

  it.each([
    ['secret(?!ary)', /lookahead \(\(\?!…\) is not supported/],
    ['(?=x)a', /lookahead/],
    ['(?<=\\$)\\d+', /lookbehind \(\(\?<=…\) is not supported/],
    ['(?<!x)a', /lookbehind/],
    ['(a)\\1', /backreferences \(\\1\) are not supported/],
    ['(?<q>a)\\k<q>', /named backreferences/],
    ['a++', /possessive quantifiers/],
    ['(?>a+)b', /atomic groups/],
    ['a{1001}', /repeat count \{1001\}/],
    ['\\u0041', /\\x\{41\}/],
    ['(unclosed', /missing closing \)/],
    ['(?:\\w+\\s?){1,1000}z', /too complex/],
    ['a'.repeat(301), /longer than 300/],
  ])('refuses %s and names the construct', (pattern, message) => {
    expect(tenantPatternProblem(pattern)).toMatch(message);
  });

  it('keeps the other settings of a stored value whose rule the engine refuses, and drops only that rule', () => {
    const parsed = parseAiSettings({
      privacyMode: true,
      rules: [{ kind: 'forbidden-pattern', name: 'legacy', pattern: 'secret(?!ary)' }, { kind: 'valid-dates' }],
    });
    expect(parsed.privacyMode).toBe(true);
    expect(parsed.rules).toEqual([{ kind: 'valid-dates' }]);
  });
});

describe('PUT /api/v1/settings/ai with tenant patterns', () => {
  let owner: Identity;
  beforeAll(async () => {
    owner = { apiKey: (await provision()).apiKey };
  });
  const put = (pattern: string) =>
    call(settingsRoute.PUT, { method: 'PUT', path: '/api/v1/settings/ai', body: { rules: [forbidden(pattern)] }, as: owner });

  it.each([
    ['(?<=\\$)\\d+', 'lookbehind'],
    ['(a)\\1', 'backreferences'],
    ['secret(?!ary)', 'lookahead'],
    ['a*+', 'possessive quantifiers'],
  ])('answers 422 for %s, naming %s', async (pattern, construct) => {
    const res = await put(pattern);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toContain(construct);
    expect(res.body.error.details.issues).toEqual([{ path: 'rules.0.pattern', message: expect.stringContaining(construct) }]);
  });

  it('accepts the patterns a backtracking check used to miss, since they now run in linear time', async () => {
    for (const pattern of ['(a|a)+$', '(?:\\w|\\d)+$', '^(a+)+$']) {
      const res = await put(pattern);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.settings.rules).toEqual([forbidden(pattern)]);
    }
  });
});
