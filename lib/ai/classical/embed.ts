import { EMBEDDING_DIM } from '@/lib/ai/types';
import { fnv1a32, isStopword, l2Normalize, stem, tokenize } from '@/lib/ai/text';

// Signed feature hashing ("hashing trick") of word unigrams, word bigrams and character trigrams.
// Lexical only: texts that share words and word pieces land close; paraphrases with no shared words do not.
const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.6;
const TRIGRAM_WEIGHT = 0.25;

function addFeature(features: Map<string, number>, key: string, weight: number): void {
  features.set(key, (features.get(key) ?? 0) + weight);
}

function extractFeatures(text: string): Map<string, number> {
  const features = new Map<string, number>();
  const words = tokenize(text).filter((w) => !isStopword(w));
  const stems = words.map(stem);
  for (let i = 0; i < stems.length; i++) {
    addFeature(features, `w:${stems[i]}`, WORD_WEIGHT);
    if (i + 1 < stems.length) addFeature(features, `b:${stems[i]} ${stems[i + 1]}`, BIGRAM_WEIGHT);
  }
  for (const word of words) {
    const padded = `<${word}>`;
    for (let i = 0; i + 3 <= padded.length; i++) addFeature(features, `c:${padded.slice(i, i + 3)}`, TRIGRAM_WEIGHT);
  }
  return features;
}

export function hashedEmbedding(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIM).fill(0);
  for (const [feature, count] of extractFeatures(text)) {
    const hash = fnv1a32(feature);
    const index = hash % EMBEDDING_DIM;
    // The top bit picks the sign, so colliding features cancel out on average instead of piling up.
    const sign = hash >>> 31 === 1 ? 1 : -1;
    // Sublinear term frequency: the tenth repetition of a word says less than the first.
    vector[index] = (vector[index] ?? 0) + sign * Math.log1p(count);
  }
  return l2Normalize(vector);
}
