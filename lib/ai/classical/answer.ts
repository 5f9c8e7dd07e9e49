import { parseBlocks, type Block } from '@/lib/ai/nlp/blocks';
import { findPeople, fold } from '@/lib/ai/nlp/people';
import { tagSentences } from '@/lib/ai/nlp/wink';
import type { AnswerInput, AnswerOutput } from '@/lib/ai/types';
import { contentTerms, round3 } from '@/lib/ai/text';
import { detectCues, listTarget, type Cue } from './question';

// Extractive answers shaped to the question. A list question ("all the action items", "what were the findings")
// gets the whole list, gathered from every retrieved passage of the document that holds it. A who/when/how-much
// question gets the sentence that holds the answer, plus the sentence it leans on ("It …") or the one that completes
// it, never a fragment: passages are read as blocks, so a line wrap never cuts a sentence.

export const NO_ANSWER = 'I could not find an answer in the provided documents.';
const MIN_SCORE = 0.45;
const MAX_UNITS = 3;
// Offline answers quote; they never reason. A complete, well-matched quote is still worth showing without a
// "low confidence" flag, which starts at the router's threshold (0.5).
const MAX_CONFIDENCE = 0.75;
const LIST_CONFIDENCE = 0.7;

interface Unit {
  context: number;
  id: string;
  // Position among the context's units, for neighbours.
  pos: number;
  block: number;
  text: string;
  terms: Set<string>;
  section: string;
  sectionTerms: Set<string>;
  kind: Block['kind'];
}

interface Passage {
  id: string;
  // The document title the passage was given with (its first line), lower-case.
  title: string;
  titleTerms: Set<string>;
  allTerms: Set<string>;
  units: Unit[];
  // Words of the people the passage names (attendees, inspector, speakers…).
  people: Set<string>;
}

const ROLE = /\b(?:owner|responsible|manager|director|inspector|chair|engineer|auditor)\b/i;

// "Who …" is answered by a sentence naming someone the document knows as a person (or, in a document that names
// nobody, a role).
function namesPerson(unit: Unit, passage: Passage | undefined): boolean {
  if (!passage || passage.people.size === 0) return ROLE.test(unit.text);
  const words = fold(unit.text).match(/\p{L}+/gu) ?? [];
  return words.some((w) => passage.people.has(w));
}

const PREFIX = 6;

// A unit's words, plus their first letters for long words, so "inspected" finds "Inspector" and "candidate"
// finds "candidates" where the light stemmer does not reach.
const QUARTERS: [RegExp, string][] = [
  [/\bfirst quarter\b/i, 'q1'],
  [/\bsecond quarter\b/i, 'q2'],
  [/\bthird quarter\b/i, 'q3'],
  [/\bfourth quarter\b/i, 'q4'],
];

function termSet(text: string): Set<string> {
  const terms = new Set<string>();
  // "the second quarter" is how prose says Q2.
  for (const [re, q] of QUARTERS) if (re.test(text)) terms.add(q);
  for (const t of contentTerms(text)) {
    terms.add(t);
    if (t.length >= PREFIX) terms.add(`~${t.slice(0, PREFIX)}`);
  }
  return terms;
}

function holds(terms: Set<string>, t: string): boolean {
  return terms.has(t) || (t.length >= PREFIX && terms.has(`~${t.slice(0, PREFIX)}`));
}

function render(block: Block): string {
  if (block.kind === 'field' || block.kind === 'turn') return `${block.label ?? ''}: ${block.value ?? ''}`;
  return block.text;
}

// Passages come as "<document title>\n\n<chunk text>" (lib/assistant/stream.ts).
function readPassage(id: string, raw: string, context: number): Passage {
  const split = raw.indexOf('\n\n');
  const title = split > 0 && split <= 300 ? raw.slice(0, split).trim() : '';
  const text = title ? raw.slice(split + 2) : raw;
  const { blocks } = parseBlocks(text);
  const people = findPeople(blocks, text);
  const units: Unit[] = [];
  blocks.forEach((block, b) => {
    if (block.kind === 'heading') return;
    const section = block.section ?? '';
    const sectionTerms = termSet(section);
    // Prose and speaker turns split into sentences (a turn's sentences keep their speaker); a list item, a field or
    // a table row is one unit, whatever its punctuation.
    const pieces =
      block.kind === 'paragraph' ? tagSentences(block.text).map((s) => s.text)
      : block.kind === 'turn' || block.kind === 'field' ? tagSentences(block.value ?? '').map((s) => `${block.label ?? ''}: ${s.text}`)
      : [render(block)];
    for (const piece of pieces) {
      units.push({ context, id, pos: units.length, block: b, text: piece, terms: termSet(piece), section, sectionTerms, kind: block.kind });
    }
  });
  const all = new Set<string>(termSet(title));
  for (const u of units) for (const t of u.terms) all.add(t);
  return { id, title: title.toLowerCase(), titleTerms: termSet(title), allTerms: all, units, people: people.words };
}

function weigh(question: readonly string[], units: readonly Unit[]): Map<string, number> {
  const idf = new Map<string, number>();
  for (const term of question) {
    const df = units.filter((u) => holds(u.terms, term) || holds(u.sectionTerms, term)).length;
    idf.set(term, Math.log(1 + units.length / (df + 0.5)));
  }
  return idf;
}

function share(terms: readonly string[], idf: Map<string, number>, has: (t: string) => boolean): number {
  const total = terms.reduce((s, t) => s + (idf.get(t) ?? 0), 0);
  if (total === 0) return 0;
  return terms.reduce((s, t) => s + (has(t) ? (idf.get(t) ?? 0) : 0), 0) / total;
}

interface Scored {
  unit: Unit;
  own: number;
  score: number;
  cues: Set<Cue>;
}

function citationsFor(units: readonly Unit[]) {
  const byContext = new Map<string, string[]>();
  for (const u of units) byContext.set(u.id, [...(byContext.get(u.id) ?? []), u.text]);
  return [...byContext.entries()].map(([id, texts]) => ({ id, snippet: texts.join(' ').slice(0, 500) }));
}

// Merges the list items seen in several overlapping passages into one list in document order.
function mergeLists(lists: readonly Unit[][]): Unit[] {
  const merged: Unit[] = [];
  const key = (u: Unit) => u.text.toLowerCase().replace(/\s+/g, ' ');
  for (const list of lists) {
    let insertAt = merged.length;
    for (const unit of list) {
      const at = merged.findIndex((m) => key(m) === key(unit));
      if (at >= 0) {
        insertAt = at + 1;
        continue;
      }
      merged.splice(insertAt, 0, unit);
      insertAt++;
    }
  }
  return merged;
}

function answerList(
  question: readonly string[],
  target: RegExp | undefined,
  passages: readonly Passage[],
  idf: Map<string, number>,
  documentCoverage: Map<string, number>,
): AnswerOutput | undefined {
  let best: { passage: Passage; section: string; score: number } | undefined;
  for (const p of passages) {
    const sections = [...new Set(p.units.map((u) => u.section))];
    for (const section of sections) {
      const items = p.units.filter((u) => u.section === section);
      if (items.length < 2 || section === p.title) continue;
      const sectionTerms = items[0]?.sectionTerms ?? new Set<string>();
      // A section named for what is asked ("Agreed next steps" for "action items") is the list; then which
      // document it belongs to decides. Otherwise the heading's own words must match ("What did not go well").
      const named = target?.test(section) ?? false;
      const heading = named ? 0.6 : share(question, idf, (t) => holds(sectionTerms, t));
      const about = documentCoverage.get(p.title) ?? 0;
      const score = heading + about;
      if (score >= 0.6 && (!best || score > best.score)) best = { passage: p, section, score };
    }
  }
  if (!best) return undefined;
  const { section } = best;
  const sameDocument = passages.filter((p) => p.title === best.passage.title);
  const key = (u: Unit) => u.text.toLowerCase().replace(/\s+/g, ' ');
  const chosenKeys = new Set(best.passage.units.filter((u) => u.section === section).map(key));
  // A passage that starts inside the list (the chunk began after its heading) continues it when it repeats one of
  // its items: its leading items belong to the list too.
  const lists = sameDocument.map((p) => {
    const inSection = p.units.filter((u) => u.section === section);
    if (inSection.length > 0) return inSection;
    const lead = p.units.filter((u) => u.section === '' && u.kind !== 'paragraph');
    return lead.some((u) => chosenKeys.has(key(u))) ? lead : [];
  });
  const items = mergeLists(lists);
  const heading = section.charAt(0).toUpperCase() + section.slice(1);
  const source = best.passage.title ? ` (${best.passage.title})` : '';
  const answer = [`${heading}${source}:`, ...items.map((u) => `- ${u.text}`)].join('\n');
  return { answer, citations: citationsFor(items), confidence: LIST_CONFIDENCE };
}

export function answerExtractive(input: AnswerInput): AnswerOutput {
  const question = [...new Set(contentTerms(input.question))];
  const passages = input.contexts.map((c, i) => readPassage(c.id, c.text, i));
  const units = passages.flatMap((p) => p.units);
  if (question.length === 0 || units.length === 0) return { answer: NO_ANSWER, citations: [], confidence: 0 };
  const idf = weigh(question, units);
  const wanted = detectCues(input.question);

  // A passage (and every passage of the same document) that covers the question lends weight to its sentences:
  // the answer to "what was revenue in Q2 2026" is in the Q2 2026 report, not any sentence saying "revenue".
  const documentCoverage = new Map<string, number>();
  for (const p of passages) {
    const ofDocument = passages.filter((o) => o.title === p.title);
    documentCoverage.set(p.title, share(question, idf, (t) => ofDocument.some((o) => holds(o.allTerms, t))));
  }

  const list = listTarget(input.question);
  if (list.isList) {
    const listed = answerList(question, list.target, passages, idf, documentCoverage);
    if (listed) return listed;
  }

  const scored: Scored[] = units.map((unit) => {
    const passage = passages[unit.context];
    const own = share(question, idf, (t) => holds(unit.terms, t));
    const around = share(question, idf, (t) => holds(unit.terms, t) || holds(unit.sectionTerms, t) || (passage ? holds(passage.titleTerms, t) : false));
    const cues = new Set([...wanted.keys()].filter((c) => (c === 'person' ? namesPerson(unit, passage) : wanted.get(c)?.test(unit.text))));
    const cueShare = wanted.size === 0 ? 0 : cues.size / wanted.size;
    const doc = documentCoverage.get(passage?.title ?? '') ?? 0;
    // Retrieval already ranked the passages: a small prior for the earlier ones.
    const rank = 0.1 * (1 - unit.context / Math.max(1, passages.length));
    return { unit, own, cues, score: 0.6 * own + 0.6 * around + 0.35 * cueShare + 0.4 * doc + rank };
  });
  const ranked = [...scored].sort((a, b) => b.score - a.score || a.unit.context - b.unit.context || a.unit.pos - b.unit.pos);
  const top = ranked[0];
  if (!top || top.score < MIN_SCORE) return { answer: NO_ANSWER, citations: [], confidence: 0.05 };

  const chosen: Scored[] = [top];
  const covered = new Set(question.filter((t) => holds(top.unit.terms, t)));
  const cuesMet = new Set(top.cues);
  // A second (or third) unit only if it adds what the question asks and the first lacks: a missing cue (the
  // amount of "when is it due and how much is it") or a good share of the question's words.
  // Completions come from the same document first: "who inspected it and what was the result" is one report.
  const sameDocument = (c: Scored) => passages[c.unit.context]?.title === passages[top.unit.context]?.title;
  const completions = [...ranked.slice(1).filter(sameDocument), ...ranked.slice(1).filter((c) => !sameDocument(c))];
  for (const candidate of completions) {
    if (chosen.length >= MAX_UNITS) break;
    if (chosen.some((c) => c.unit === candidate.unit)) continue;
    const samePassage = candidate.unit.context === top.unit.context || passages[candidate.unit.context]?.title === passages[top.unit.context]?.title;
    if (!samePassage && candidate.score < top.score * 0.8) continue;
    const newTerms = question.filter((t) => holds(candidate.unit.terms, t) && !covered.has(t));
    const gain = newTerms.reduce((s, t) => s + (idf.get(t) ?? 0), 0) / question.reduce((s, t) => s + (idf.get(t) ?? 0), 0);
    const newCue = [...candidate.cues].some((c) => !cuesMet.has(c));
    if (gain < 0.2 && !newCue) continue;
    if (candidate.score < top.score * 0.5) continue;
    chosen.push(candidate);
    for (const t of newTerms) covered.add(t);
    for (const c of candidate.cues) cuesMet.add(c);
  }

  const units2 = withNeighbours(chosen.map((c) => c.unit), passages, wanted, cuesMet);
  const ordered = units2.sort((a, b) => a.context - b.context || a.pos - b.pos);
  const coverage = share(question, idf, (t) => ordered.some((u) => holds(u.terms, t) || holds(u.sectionTerms, t) || holds(passages[u.context]?.titleTerms ?? new Set(), t)));
  const cueFactor = wanted.size === 0 ? 1 : 0.6 + 0.4 * (cuesMet.size / wanted.size);
  return {
    answer: ordered.map((u) => u.text).join(' '),
    citations: citationsFor(ordered),
    confidence: round3(Math.min(MAX_CONFIDENCE, MAX_CONFIDENCE * coverage * cueFactor)),
  };
}

// A sentence that leans on the one before ("It is in the release on Thursday") brings it along; a lead-in
// ("Findings:", a one-word fragment) or an answer that lacks what was asked brings the next one.
function withNeighbours(chosen: Unit[], passages: readonly Passage[], wanted: Map<Cue, RegExp>, cuesMet: Set<Cue>): Unit[] {
  const out = [...chosen];
  const has = (u: Unit) => out.includes(u);
  for (const unit of chosen) {
    const siblings = passages[unit.context]?.units ?? [];
    const prev = siblings[unit.pos - 1];
    const next = siblings[unit.pos + 1];
    if (prev && !has(prev) && prev.block === unit.block && /^(?:it|this|that|these|they|he|she|its|their|both|the latter)\b/i.test(unit.text)) out.push(prev);
    const fragment = unit.text.split(/\s+/).length < 6 || /:$/.test(unit.text);
    const missing = [...wanted.entries()].find(([cue, re]) => !cuesMet.has(cue) && next !== undefined && re.test(next.text));
    if (next && !has(next) && next.section === unit.section && (fragment || missing)) {
      out.push(next);
      if (missing) cuesMet.add(missing[0]);
    }
  }
  return out;
}
