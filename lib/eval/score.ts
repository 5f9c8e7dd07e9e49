import { fold } from '@/lib/ai/nlp/people';
import type { ActionItem } from '@/lib/ai/types';
import type { Fact, LabelledAction } from './corpus';

// Scoring rules of the eval, kept apart from how the outputs were produced so the CLI and the quality-gate test
// score exactly alike.

function words(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

const TITLE_STOP = new Set(['the', 'a', 'an', 'to', 'of', 'for', 'and', 'on', 'in', 'with', 'by', 'our', 'their', 'at']);

function titleTerms(title: string): Set<string> {
  return new Set(words(title).filter((w) => !TITLE_STOP.has(w)));
}

// F1 of the two titles' content words: "Fix the toe boards on the east scaffold" ≈ "Fix toe boards on east scaffold".
export function titleSimilarity(a: string, b: string): number {
  const ta = titleTerms(a);
  const tb = titleTerms(b);
  if (ta.size === 0 || tb.size === 0) return 0;
  let shared = 0;
  for (const w of ta) if (tb.has(w)) shared++;
  return (2 * shared) / (ta.size + tb.size);
}

export const MATCH_THRESHOLD = 0.5;

// "Lee" matches "Lee Chen" and "Chloé Martin" matches "Chloe Martin": one name's words contain the other's.
export function ownerMatches(found: string | undefined, expected: string | undefined): boolean {
  if (!expected) return !found;
  if (!found) return false;
  const f = new Set(words(found));
  const e = new Set(words(expected));
  const within = (x: Set<string>, y: Set<string>) => [...x].every((w) => y.has(w));
  return within(f, e) || within(e, f);
}

export interface ActionScore {
  expected: number;
  found: number;
  matched: number;
  ownersRight: number;
  duesRight: number;
  misses: string[];
}

// Greedy one-to-one matching by title similarity, best pairs first.
export function scoreActions(found: readonly ActionItem[], expected: readonly LabelledAction[]): ActionScore {
  const pairs: { f: number; e: number; sim: number }[] = [];
  found.forEach((fi, f) =>
    expected.forEach((ei, e) => {
      const sim = titleSimilarity(fi.title, ei.title);
      if (sim >= MATCH_THRESHOLD) pairs.push({ f, e, sim });
    }),
  );
  pairs.sort((x, y) => y.sim - x.sim || x.e - y.e || x.f - y.f);
  const usedF = new Set<number>();
  const usedE = new Set<number>();
  let ownersRight = 0;
  let duesRight = 0;
  const misses: string[] = [];
  for (const p of pairs) {
    if (usedF.has(p.f) || usedE.has(p.e)) continue;
    usedF.add(p.f);
    usedE.add(p.e);
    const fi = found[p.f];
    const ei = expected[p.e];
    if (!fi || !ei) continue;
    if (ownerMatches(fi.ownerHint, ei.owner)) ownersRight++;
    else misses.push(`owner of "${ei.title}": ${fi.ownerHint ?? 'none'}, expected ${ei.owner ?? 'none'}`);
    if ((fi.dueDate ?? null) === (ei.due ?? null)) duesRight++;
    else misses.push(`due of "${ei.title}": ${fi.dueDate ?? 'none'}, expected ${ei.due ?? 'none'}`);
  }
  expected.forEach((e, i) => {
    if (!usedE.has(i)) misses.push(`missed action "${e.title}"`);
  });
  found.forEach((f, i) => {
    if (!usedF.has(i)) misses.push(`extra action "${f.title}"${f.ownerHint ? ` (${f.ownerHint})` : ''}`);
  });
  return { expected: expected.length, found: found.length, matched: usedE.size, ownersRight, duesRight, misses };
}

function normalise(text: string): string {
  return fold(text)
    .replace(/[’‘]/g, "'")
    .replace(/[^\p{L}\p{N}%€£$.,:/' -]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function titleMatches(found: string, expected: string | readonly string[]): boolean {
  const options = typeof expected === 'string' ? [expected] : expected;
  const f = normalise(found).replace(/[.,:]/g, '');
  return options.some((o) => normalise(o).replace(/[.,:]/g, '') === f);
}

// The share of key facts the answer states (any alternative of a fact counts).
export function factsFound(answer: string, facts: readonly Fact[]): { found: number; missing: string[] } {
  const a = normalise(answer);
  const missing: string[] = [];
  let found = 0;
  for (const fact of facts) {
    const options = typeof fact === 'string' ? [fact] : fact;
    if (options.some((o) => a.includes(normalise(o)))) found++;
    else missing.push(options[0] ?? '');
  }
  return { found, missing };
}
