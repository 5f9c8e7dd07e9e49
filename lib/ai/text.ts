// Small, dependency-free text helpers shared by the classical (offline) methods.

const STOPWORDS = new Set(
  (
    'a an and are as at be been being but by can could did do does done for from had has have he her hers him his how i ' +
    'if in into is it its itself just me more most my no nor not of off on once only or other our ours out over own same ' +
    'she should so some such than that the their theirs them then there these they this those through to too under until ' +
    'up very was we were what when where which while who whom why will with would you your yours also any all each few ' +
    'both again about above after against before below between during further here am may might must shall upon via per ' +
    'etc ie eg within without across'
  ).split(' '),
);

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

// Lowercase, strip diacritics, split on anything that is not a letter or digit.
export function tokenize(text: string): string[] {
  const folded = text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  return folded.match(/[\p{L}\p{N}]+/gu) ?? [];
}

// A deliberately light stemmer: enough to match "invoices"/"invoice" and "payments"/"payment".
export function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

export function contentTerms(text: string): string[] {
  return tokenize(text)
    .filter((w) => !isStopword(w) && (w.length > 1 || /\d/.test(w)))
    .map(stem);
}

export function termFrequencies(terms: readonly string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}

// FNV-1a, 32 bit: stable across processes and platforms, unlike any built-in hash.
export function fnv1a32(input: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function l2Normalize(vector: number[]): number[] {
  let sum = 0;
  for (const v of vector) sum += v * v;
  if (sum === 0) return vector;
  const norm = Math.sqrt(sum);
  return vector.map((v) => v / norm);
}

export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

const ABBREVIATIONS =
  /\b(?:mr|mrs|ms|dr|prof|inc|ltd|co|corp|vs|etc|e\.g|i\.e|no|fig|approx|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.$/i;

export interface Sentence {
  text: string;
  index: number;
}

// Splits on sentence punctuation and on line breaks (notes and bullet lists rarely end lines with a period).
export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '') continue;
    let current = '';
    const parts = line.split(/(?<=[.!?])\s+/);
    for (const part of parts) {
      current = current === '' ? part : `${current} ${part}`;
      if (ABBREVIATIONS.test(current) || /\b[A-Z]\.$/.test(current)) continue;
      sentences.push({ text: current, index: sentences.length });
      current = '';
    }
    if (current !== '') sentences.push({ text: current, index: sentences.length });
  }
  return sentences;
}

export function clamp01(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(1, Math.max(0, value));
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
