import { parseBlocks } from '@/lib/ai/nlp/blocks';
import { tagSentences } from '@/lib/ai/nlp/wink';
import type { SummarizeInput, SummarizeOutput } from '@/lib/ai/types';
import { contentTerms, termFrequencies } from '@/lib/ai/text';

const DEFAULT_SENTENCES = 3;
// Extractive summaries read as stitched quotes and miss what is implied: say so.
const EXTRACTIVE_CONFIDENCE = 0.5;
// Sentences sharing this much of their wording say the same thing once.
const DUPLICATE_OVERLAP = 0.6;
const MAX_TEXT = 30_000;

interface Candidate {
  text: string;
  index: number;
  terms: string[];
}

// Whole sentences of the document's prose, list items and speaker turns, in order; headings and "Label: value"
// metadata are not summary material. Wrapped lines were joined by the block reader, so no sentence is cut.
function candidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const block of parseBlocks(text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text).blocks) {
    if (block.kind === 'heading' || block.kind === 'field' || block.kind === 'row') continue;
    const body = block.kind === 'turn' ? `${block.label ?? ''}: ${block.value ?? ''}` : block.text;
    for (const s of tagSentences(body)) {
      const terms = contentTerms(s.text);
      if (terms.length > 0) out.push({ text: s.text, index: out.length, terms });
    }
  }
  return out;
}

function overlap(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  let shared = 0;
  for (const t of sa) if (sb.has(t)) shared++;
  return shared / Math.max(1, Math.min(sa.size, sb.size));
}

// Classic frequency-based extraction (Luhn): sentences dense in the document's frequent terms, with a small lead
// bonus because documents state their point early. A sentence that repeats one already chosen is skipped, and the
// chosen ones keep the document's order.
export function summarizeExtractive(input: SummarizeInput): SummarizeOutput {
  const k = input.maxSentences ?? DEFAULT_SENTENCES;
  const sentences = candidates(input.text);
  if (sentences.length === 0) return { summary: '', confidence: 0 };
  const tf = termFrequencies(sentences.flatMap((s) => s.terms));
  const maxTf = Math.max(...tf.values());
  const scored = sentences.map((sentence) => {
    let weight = 0;
    for (const t of new Set(sentence.terms)) weight += (tf.get(t) ?? 0) / maxTf;
    // Fragments carry few terms; very long sentences are penalised by the square root.
    const n = sentence.terms.length;
    const density = n < 4 ? weight * 0.3 : weight / Math.sqrt(n);
    const lead = sentence.index < 3 ? 0.15 * (3 - sentence.index) : 0;
    return { sentence, score: density + lead };
  });
  const chosen: Candidate[] = [];
  for (const { sentence } of scored.sort((a, b) => b.score - a.score || a.sentence.index - b.sentence.index)) {
    if (chosen.length >= k) break;
    if (chosen.some((c) => overlap(c.terms, sentence.terms) >= DUPLICATE_OVERLAP)) continue;
    chosen.push(sentence);
  }
  return { summary: chosen.sort((a, b) => a.index - b.index).map((s) => s.text).join(' '), confidence: EXTRACTIVE_CONFIDENCE };
}
