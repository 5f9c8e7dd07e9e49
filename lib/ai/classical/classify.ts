import type { ClassifyInput, ClassifyOutput } from '@/lib/ai/types';
import { clamp01, contentTerms, isStopword, round3, stem, termFrequencies, tokenize } from '@/lib/ai/text';

// Descriptions double as keyword profiles for the offline classifier and as instructions for LLM providers.
export const DEFAULT_CATEGORIES: ClassifyInput['categories'] = [
  {
    name: 'contract',
    description:
      'Agreement between parties: terms, termination, obligations, liability, indemnify, confidentiality, governing law, signature, effective date, clause, hereby.',
  },
  {
    name: 'invoice',
    description:
      'Invoice or bill: invoice number, amount due, total, subtotal, tax, VAT, payment, quantity, unit price, due date, remit, bank account.',
  },
  {
    name: 'meeting-notes',
    description:
      'Meeting notes or minutes: attendees, agenda, discussed, decided, decisions, action items, next steps, follow up, notes.',
  },
  {
    name: 'report',
    description:
      'Report or analysis: findings, results, summary, quarter, revenue, metrics, performance, growth, conclusion, recommendations.',
  },
  {
    name: 'policy',
    description:
      'Policy or procedure: employees, staff, must, compliance, procedure, guidelines, prohibited, responsibilities, scope, applies, violations.',
  },
  { name: 'other', description: 'Anything that fits no other category.' },
];

const FALLBACK_NAME = 'other';
// Below this score the text shares too little with any category to name one.
const MIN_SCORE = 0.35;
const MAX_CONFIDENCE = 0.8;

function profileTerms(category: { name: string; description?: string | undefined }): Set<string> {
  return new Set(contentTerms(`${category.name.replace(/[-_]/g, ' ')} ${category.description ?? ''}`));
}

interface Scored {
  name: string;
  score: number;
}

function scoreCategories(text: string, categories: ClassifyInput['categories']): Scored[] {
  const tf = termFrequencies(contentTerms(text));
  const scored = categories.filter((c) => c.name.toLowerCase() !== FALLBACK_NAME);
  const profiles = scored.map(profileTerms);
  const df = new Map<string, number>();
  for (const profile of profiles) for (const t of profile) df.set(t, (df.get(t) ?? 0) + 1);
  return scored.map((category, i) => {
    const profile = profiles[i] ?? new Set<string>();
    let sum = 0;
    for (const term of profile) {
      const count = tf.get(term) ?? 0;
      if (count === 0) continue;
      // A term every category mentions separates nothing.
      const idf = Math.log(1 + scored.length / (df.get(term) ?? 1));
      sum += idf * (1 + Math.log(count));
    }
    return { name: category.name, score: profile.size === 0 ? 0 : sum / Math.sqrt(profile.size) };
  });
}

function pickTags(text: string, max = 5): string[] {
  const surface = new Map<string, Map<string, number>>();
  const counts = new Map<string, number>();
  for (const word of tokenize(text)) {
    if (isStopword(word) || word.length < 3 || /^\d+$/.test(word)) continue;
    const s = stem(word);
    counts.set(s, (counts.get(s) ?? 0) + 1);
    const forms = surface.get(s) ?? new Map<string, number>();
    forms.set(word, (forms.get(word) ?? 0) + 1);
    surface.set(s, forms);
  }
  // In a long text a word seen once is noise; in a short one it may be all there is.
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const minCount = total > 150 ? 2 : 1;
  return [...counts.entries()]
    .filter(([, c]) => c >= minCount)
    // Longer words tend to be more specific, so they break ties.
    .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([s]) => {
      const forms = [...(surface.get(s) ?? new Map<string, number>()).entries()];
      forms.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      return forms[0]?.[0] ?? s;
    });
}

export function classifyByKeywords(input: ClassifyInput): ClassifyOutput {
  const scores = scoreCategories(input.text, input.categories).sort((a, b) => b.score - a.score);
  const best = scores[0];
  const second = scores[1];
  const tags = pickTags(input.text);
  const fallback = input.categories.find((c) => c.name.toLowerCase() === FALLBACK_NAME) ?? input.categories[0];
  if (best === undefined || best.score < MIN_SCORE) {
    return { category: fallback?.name ?? FALLBACK_NAME, tags, confidence: 0.1 };
  }
  // Confidence comes from the margin over the runner-up, damped when the evidence itself is thin.
  const margin = second === undefined || best.score === 0 ? 1 : (best.score - second.score) / best.score;
  const evidence = 1 - Math.exp(-best.score / 1.5);
  const confidence = round3(clamp01(MAX_CONFIDENCE * Math.pow(margin, 0.7) * evidence));
  return { category: best.name, tags, confidence };
}
