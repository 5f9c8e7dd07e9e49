// Realistic-ish text for the search scenario: words drawn from a Zipfian distribution over a generated vocabulary
// of 30,000 pseudo-words (plus a few English function words at the head), so a few words are in most chunks and
// most words are rare, as in real prose. Deterministic from the seed; nothing is downloaded. The small-vocabulary
// text of synthetic-text.ts stays as the worst case for the keyword leg.
// Real collections are also about things: each chunk has one of TOPICS topics, and about a third of its words come
// from that topic's own few hundred content words. Without topics, every chunk is an independent draw from one
// distribution, so embeddings have no neighbourhoods (all distances alike) and nearest-neighbour recall measures
// noise rather than the index.
import { seededRandom } from './synthetic-text';

const VOCABULARY_SIZE = 30_000;
// Zipf's exponent for natural-language word frequencies is close to 1.
const ZIPF_EXPONENT = 1.05;
// Queries skip the head of the distribution, as people search for content words rather than the most common ones.
const QUERY_MIN_RANK = 100;
const WORDS_PER_CHUNK = 110;
const TOPICS = 200;
const WORDS_PER_TOPIC = 300;
const TOPIC_SHARE = 0.35;
const FUNCTION_WORDS = ['the', 'of', 'and', 'to', 'a', 'in', 'for', 'is', 'on', 'that', 'by', 'with', 'was', 'as', 'at'];
// No 'e' or 'y' and no trailing 's', so the English stemmer leaves generated words (nearly) distinct.
const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 't', 'v', 'z', 'br', 'dr', 'kl', 'pr', 'st', 'tr', 'ch', 'sh'];
const VOWELS = ['a', 'i', 'o', 'u', 'ai', 'ou'];
const CODAS = ['', '', 'n', 'r', 'l', 'k', 'm', 't'];

export interface ZipfText {
  vocabulary: readonly string[];
  /** Cumulative, normalised weights by rank (rank 0 = most frequent). */
  cumulative: Float64Array;
  /** Per topic, its content words (ranks ≥ QUERY_MIN_RANK), most frequent first. */
  topics: readonly (readonly string[])[];
  /** Cumulative, normalised Zipf weights over a topic's words. */
  topicCumulative: Float64Array;
}

function zipfCumulative(size: number): Float64Array {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let r = 0; r < size; r++) {
    total += 1 / (r + 1) ** ZIPF_EXPONENT;
    cumulative[r] = total;
  }
  for (let r = 0; r < size; r++) cumulative[r] = (cumulative[r] ?? 0) / total;
  return cumulative;
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
  const topics = Array.from({ length: TOPICS }, () =>
    Array.from({ length: WORDS_PER_TOPIC }, () => vocabulary[QUERY_MIN_RANK + Math.floor(rand() * (vocabulary.length - QUERY_MIN_RANK))] ?? 'the'),
  );
  return { vocabulary, cumulative: zipfCumulative(vocabulary.length), topics, topicCumulative: zipfCumulative(WORDS_PER_TOPIC) };
}

function sampleFrom(cumulative: Float64Array, rand: () => number): number {
  const u = rand();
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] ?? 1) < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const sampleRank = (z: ZipfText, rand: () => number) => sampleFrom(z.cumulative, rand);

function topicWord(z: ZipfText, topic: readonly string[], rand: () => number): string {
  return topic[sampleFrom(z.topicCumulative, rand)] ?? 'the';
}

function pickTopic(z: ZipfText, rand: () => number): readonly string[] {
  return z.topics[Math.floor(rand() * z.topics.length)] ?? [];
}

/** One chunk of text about one topic: sentences of 8–20 words, a share from the topic, the rest Zipf-drawn. */
export function zipfChunk(z: ZipfText, rand: () => number): string {
  const topic = pickTopic(z, rand);
  const sentences: string[] = [];
  let n = 0;
  while (n < WORDS_PER_CHUNK) {
    const length = 8 + Math.floor(rand() * 13);
    const words = Array.from({ length }, () => (rand() < TOPIC_SHARE ? topicWord(z, topic, rand) : (z.vocabulary[sampleRank(z, rand)] ?? 'the')));
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

/** A search query of two or three content words about one topic, or now and then any content word. */
export function zipfQuery(z: ZipfText, rand: () => number): string {
  const topic = pickTopic(z, rand);
  const count = 2 + Math.floor(rand() * 2);
  return Array.from({ length: count }, () => (rand() < 0.8 ? topicWord(z, topic, rand) : contentWord(z, rand))).join(' ');
}

export function zipfQuestion(z: ZipfText, rand: () => number): string {
  const topic = pickTopic(z, rand);
  return `What do the notes say about ${topicWord(z, topic, rand)} and ${topicWord(z, topic, rand)}?`;
}
