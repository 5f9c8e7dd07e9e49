import type { SummarizeInput, SummarizeOutput } from '@/lib/ai/types';
import { contentTerms, splitSentences, termFrequencies } from '@/lib/ai/text';

const DEFAULT_SENTENCES = 3;
// Extractive summaries read as stitched quotes and miss what is implied: say so.
const EXTRACTIVE_CONFIDENCE = 0.5;

// Classic frequency-based extraction (Luhn): sentences dense in the document's frequent terms, with a small
// lead bonus because documents tend to state their point early.
export function summarizeExtractive(input: SummarizeInput): SummarizeOutput {
  const k = input.maxSentences ?? DEFAULT_SENTENCES;
  const sentences = splitSentences(input.text).filter((s) => contentTerms(s.text).length > 0);
  if (sentences.length === 0) return { summary: '', confidence: 0 };
  if (sentences.length <= k) {
    return { summary: sentences.map((s) => s.text).join(' '), confidence: EXTRACTIVE_CONFIDENCE };
  }
  const tf = termFrequencies(contentTerms(input.text));
  const maxTf = Math.max(...tf.values());
  const scored = sentences.map((sentence) => {
    const terms = contentTerms(sentence.text);
    const unique = new Set(terms);
    let weight = 0;
    for (const t of unique) weight += (tf.get(t) ?? 0) / maxTf;
    // Headings and fragments carry few terms; very long sentences are penalised by the square root.
    const density = terms.length < 4 ? weight * 0.3 : weight / Math.sqrt(terms.length);
    const lead = sentence.index < 3 ? 0.15 * (3 - sentence.index) : 0;
    return { sentence, score: density + lead };
  });
  const chosen = scored
    .sort((a, b) => b.score - a.score || a.sentence.index - b.sentence.index)
    .slice(0, k)
    .map((s) => s.sentence)
    .sort((a, b) => a.index - b.index);
  return { summary: chosen.map((s) => s.text).join(' '), confidence: EXTRACTIVE_CONFIDENCE };
}
