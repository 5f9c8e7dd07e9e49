import type { AnswerInput, AnswerOutput } from '@/lib/ai/types';
import { contentTerms, round3, splitSentences } from '@/lib/ai/text';

const MAX_SENTENCES = 2;
const MIN_COVERAGE = 0.25;
const MAX_CONFIDENCE = 0.6;
export const NO_ANSWER = 'I could not find an answer in the provided documents.';

interface Candidate {
  id: string;
  text: string;
  terms: Set<string>;
}

// Extractive QA: quote the sentences that cover most of the question's (idf-weighted) terms.
export function answerExtractive(input: AnswerInput): AnswerOutput {
  const question = [...new Set(contentTerms(input.question))];
  const candidates: Candidate[] = input.contexts.flatMap((ctx) =>
    splitSentences(ctx.text).map((s) => ({ id: ctx.id, text: s.text, terms: new Set(contentTerms(s.text)) })),
  );
  if (question.length === 0 || candidates.length === 0) return { answer: NO_ANSWER, citations: [], confidence: 0 };

  const idf = new Map<string, number>();
  for (const term of question) {
    const df = candidates.filter((c) => c.terms.has(term)).length;
    idf.set(term, Math.log(1 + candidates.length / (df + 0.5)));
  }
  const total = question.reduce((sum, t) => sum + (idf.get(t) ?? 0), 0);
  const ranked = candidates
    .map((c, order) => {
      const hit = question.reduce((sum, t) => sum + (c.terms.has(t) ? (idf.get(t) ?? 0) : 0), 0);
      return { c, order, coverage: total === 0 ? 0 : hit / total };
    })
    .filter((r) => r.coverage >= MIN_COVERAGE)
    .sort((a, b) => b.coverage - a.coverage || a.order - b.order)
    .slice(0, MAX_SENTENCES);

  const best = ranked[0];
  if (best === undefined) return { answer: NO_ANSWER, citations: [], confidence: 0.05 };
  return {
    answer: ranked.map((r) => r.c.text).join(' '),
    citations: ranked.map((r) => ({ id: r.c.id, snippet: r.c.text })),
    confidence: round3(MAX_CONFIDENCE * best.coverage),
  };
}
