import { parseBlocks, type Block } from '@/lib/ai/nlp/blocks';
import { findPeople } from '@/lib/ai/nlp/people';
import { pickTags } from '@/lib/ai/nlp/phrases';
import type { ClassifyInput, ClassifyOutput } from '@/lib/ai/types';
import { clamp01, contentTerms, round3 } from '@/lib/ai/text';

// Descriptions double as the offline classifier's category prototypes and as instructions for LLM providers, so a
// tenant's own categories work offline exactly as they describe them.
export const DEFAULT_CATEGORIES: ClassifyInput['categories'] = [
  {
    name: 'contract',
    description:
      'Contract or agreement between parties: the parties agree, term and termination, notice period, obligations, shall, liability, indemnity, confidentiality, warranty, governing law, signed, effective date, clause, employer and employee, supplier and buyer, landlord and tenant, lease.',
  },
  {
    name: 'invoice',
    description:
      'Invoice, bill or receipt: invoice number, bill to, amount due, total, subtotal, VAT, tax, payment due, unit price, quantity, line items, remit, bank transfer, IBAN, account number, billing period, charges.',
  },
  {
    name: 'meeting-notes',
    description:
      'Meeting notes or a call transcript: attendees, present, agenda, discussed, agreed, decisions, action items, next steps, owners, follow up, speakers, conversation, retrospective, check-in, sync, committee.',
  },
  {
    name: 'report',
    description:
      'Report, analysis or inspection: findings, results, summary, quarter, revenue, metrics, growth, outlook, recommendations, conclusion, audit, inspection, examination, assessment, incident, survey, certificate.',
  },
  {
    name: 'policy',
    description:
      'Policy or procedure: applies to all employees, staff must, must not, compliance, rules, guidelines, prohibited, responsibilities, scope, eligibility, violations, disciplinary, purpose, version.',
  },
  {
    name: 'other',
    description: 'Anything else: newsletters and announcements, recipes and ingredients, permits, emails and letters, data exports and archives.',
  },
];

const FALLBACK_NAME = 'other';
// Below this similarity the text shares too little with any category to name one.
const MIN_SCORE = 0.06;
const MAX_CONFIDENCE = 0.8;
// Language operations read at most this much text: a category shows in a document's first pages.
const MAX_TEXT = 40_000;

// Where a word stands says how much it tells: a title or heading names the kind of document, a field label its form.
const WEIGHT: Record<Block['kind'], number> = { heading: 3, field: 1, turn: 1, item: 1, row: 0.5, paragraph: 1 };
const TITLE_WEIGHT = 5;
const LABEL_WEIGHT = 2;

function add(weights: Map<string, number>, text: string, weight: number): void {
  for (const t of contentTerms(text)) weights.set(t, (weights.get(t) ?? 0) + weight);
}

// Layout says what a text is before its words do: speaker turns make a transcript, From/To/Subject an email, rows
// of comma-separated values an export. These cues are added as words the category descriptions can use.
function structuralCues(blocks: readonly Block[], text: string): string[] {
  const cues: string[] = [];
  const turns = blocks.filter((b) => b.kind === 'turn').length;
  if (turns >= 3) cues.push('transcript conversation speakers');
  const labels = new Set(blocks.filter((b) => b.kind === 'field').map((b) => (b.label ?? '').toLowerCase()));
  if (['from', 'to', 'subject'].filter((l) => labels.has(l)).length >= 2) cues.push('email');
  if ([...labels].some((l) => /^(?:attendees|present|participants|members)$/.test(l))) cues.push('attendees');
  // Length with little prose: an export, a log, an archive (rows of data, not sentences).
  const rows = blocks.filter((b) => b.kind === 'row' && b.cells === undefined).length;
  const prose = blocks.filter((b) => b.kind === 'paragraph' || b.kind === 'item').length;
  if (rows >= 10 && rows >= prose * 2) cues.push('data export archive');
  else if (text.length >= 30_000 && prose < blocks.length * 0.2) cues.push('data export archive');
  return cues;
}

function documentVector(text: string): Map<string, number> {
  const { blocks } = parseBlocks(text);
  const weights = new Map<string, number>();
  blocks.forEach((block, i) => {
    const w = i === 0 && block.kind !== 'paragraph' ? TITLE_WEIGHT : WEIGHT[block.kind];
    if (block.kind === 'field' || block.kind === 'turn') {
      if (block.kind === 'field') add(weights, block.label ?? '', LABEL_WEIGHT);
      add(weights, block.value ?? '', w);
    } else add(weights, block.text, w);
  });
  for (const cue of structuralCues(blocks, text)) add(weights, cue, TITLE_WEIGHT);
  // Sublinear: the twentieth "must" says little more than the fifth.
  for (const [t, w] of weights) weights.set(t, 1 + Math.log(w));
  return weights;
}

interface Prototype {
  name: string;
  weights: Map<string, number>;
  norm: number;
}

// One vector per category from its name and description, tf-idf across the categories: a word every category
// mentions separates nothing.
function prototypes(categories: ClassifyInput['categories']): Prototype[] {
  const raw = categories.map((c) => {
    const tf = new Map<string, number>();
    for (const t of contentTerms(c.name.replace(/[-_]/g, ' '))) tf.set(t, (tf.get(t) ?? 0) + 2);
    for (const t of contentTerms(c.description ?? '')) tf.set(t, (tf.get(t) ?? 0) + 1);
    return { name: c.name, tf };
  });
  const df = new Map<string, number>();
  for (const r of raw) for (const t of r.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  return raw.map((r) => {
    const weights = new Map<string, number>();
    let sum = 0;
    for (const [t, f] of r.tf) {
      const w = f * Math.log(1 + raw.length / (df.get(t) ?? 1));
      weights.set(t, w);
      sum += w * w;
    }
    return { name: r.name, weights, norm: Math.sqrt(sum) };
  });
}

interface Scored {
  name: string;
  score: number;
}

function scoreCategories(text: string, categories: ClassifyInput['categories']): Scored[] {
  const doc = documentVector(text);
  const protos = prototypes(categories);
  const vocabulary = new Set(protos.flatMap((p) => [...p.weights.keys()]));
  let docNorm = 0;
  for (const t of vocabulary) docNorm += (doc.get(t) ?? 0) ** 2;
  docNorm = Math.sqrt(docNorm);
  return protos.map((p) => {
    let dot = 0;
    for (const [t, w] of p.weights) dot += w * (doc.get(t) ?? 0);
    return { name: p.name, score: p.norm === 0 || docNorm === 0 ? 0 : dot / (p.norm * docNorm) };
  });
}

export function classifyByKeywords(input: ClassifyInput): ClassifyOutput {
  const text = input.text.length > MAX_TEXT ? input.text.slice(0, MAX_TEXT) : input.text;
  const scores = scoreCategories(text, input.categories).sort((a, b) => b.score - a.score);
  const best = scores[0];
  const second = scores[1];
  const { blocks } = parseBlocks(text);
  const tags = pickTags(blocks, findPeople(blocks, text));
  const fallback = input.categories.find((c) => c.name.toLowerCase() === FALLBACK_NAME) ?? input.categories[0];
  if (best === undefined || best.score < MIN_SCORE) {
    return { category: fallback?.name ?? FALLBACK_NAME, tags, confidence: 0.1 };
  }
  // Confidence comes from the margin over the runner-up, damped when the evidence itself is thin.
  const margin = second === undefined || best.score === 0 ? 1 : (best.score - second.score) / best.score;
  const evidence = 1 - Math.exp(-best.score / 0.12);
  const confidence = round3(clamp01(MAX_CONFIDENCE * Math.pow(margin, 0.8) * evidence));
  return { category: best.name, tags, confidence };
}
