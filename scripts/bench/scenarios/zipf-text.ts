// Realistic-ish text for the search scenario: words drawn from a Zipfian distribution over a generated vocabulary
// of 30,000 pseudo-words (plus a few English function words at the head), so a few words are in most chunks and
// most words are rare, as in real prose. Deterministic from the seed; nothing is downloaded. The small-vocabulary
// text of synthetic-text.ts stays as the worst case for the keyword leg.
import { seededRandom } from './synthetic-text';

const VOCABULARY_SIZE = 30_000;
// Zipf's exponent for natural-language word frequencies is close to 1.
const ZIPF_EXPONENT = 1.05;
// Queries skip the head of the distribution, as people search for content words rather than the most common ones.
const QUERY_MIN_RANK = 100;
const WORDS_PER_CHUNK = 110;
const FUNCTION_WORDS = ['the', 'of', 'and', 'to', 'a', 'in', 'for', 'is', 'on', 'that', 'by', 'with', 'was', 'as', 'at'];
// No 'e' or 'y' and no trailing 's', so the English stemmer leaves generated words (nearly) distinct.
const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 't', 'v', 'z', 'br', 'dr', 'kl', 'pr', 'st', 'tr', 'ch', 'sh'];
const VOWELS = ['a', 'i', 'o', 'u', 'ai', 'ou'];
const CODAS = ['', '', 'n', 'r', 'l', 'k', 'm', 't'];

export interface ZipfText {
  vocabulary: readonly string[];
  /** Cumulative, normalised weights by rank (rank 0 = most frequent). */
  cumulative: Float64Array;
}

function syllable(rand: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  return pick(ONSETS) + pick(VOWELS) + pick(CODAS);
}

export function buildZipfText(seed = 7): ZipfText {
  const rand = seededRandom(seed);
  const words = new Set<string>(FUNCTION_WORDS);
  while (words.size < VOCABULARY_SIZE) {
    const syllables = 2 + Math.floor(rand() * 3);
    words.add(Array.from({ length: syllables }, () => syllable(rand)).join(''));
  }
  const vocabulary = [...words];
  const cumulative = new Float64Array(vocabulary.length);
  let total = 0;
  for (let r = 0; r < vocabulary.length; r++) {
    total += 1 / (r + 1) ** ZIPF_EXPONENT;
    cumulative[r] = total;
  }
  for (let r = 0; r < cumulative.length; r++) cumulative[r] = (cumulative[r] ?? 0) / total;
  return { vocabulary, cumulative };
}

function sampleRank(z: ZipfText, rand: () => number): number {
  const u = rand();
  let lo = 0;
  let hi = z.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((z.cumulative[mid] ?? 1) < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One chunk of text: sentences of 8–20 Zipf-drawn words. */
export function zipfChunk(z: ZipfText, rand: () => number): string {
  const sentences: string[] = [];
  let n = 0;
  while (n < WORDS_PER_CHUNK) {
    const length = 8 + Math.floor(rand() * 13);
    const words = Array.from({ length }, () => z.vocabulary[sampleRank(z, rand)] ?? 'the');
    const first = words[0] ?? 'the';
    words[0] = first.charAt(0).toUpperCase() + first.slice(1);
    sentences.push(`${words.join(' ')}.`);
    n += length;
  }
  return sentences.join(' ');
}

function contentWord(z: ZipfText, rand: () => number): string {
  for (;;) {
    const rank = sampleRank(z, rand);
    if (rank >= QUERY_MIN_RANK) return z.vocabulary[rank] ?? 'the';
  }
}

/** A search query of two or three content words, drawn with the corpus's own frequencies. */
export function zipfQuery(z: ZipfText, rand: () => number): string {
  const count = 2 + Math.floor(rand() * 2);
  return Array.from({ length: count }, () => contentWord(z, rand)).join(' ');
}

export function zipfQuestion(z: ZipfText, rand: () => number): string {
  return `What do the notes say about ${contentWord(z, rand)} and ${contentWord(z, rand)}?`;
}
