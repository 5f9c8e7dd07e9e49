import { parseBlocks, type Block } from '@/lib/ai/nlp/blocks';
import { findDates, prefersMonthFirst, type FoundDate } from '@/lib/ai/nlp/dates';
import { findPeople, fold, fullName, isNameWord, NAME_PARTICLES, type People } from '@/lib/ai/nlp/people';
import { tagTokens, type Token } from '@/lib/ai/nlp/wink';
import type { ActionItem, ExtractActionsInput, ExtractActionsOutput } from '@/lib/ai/types';

// Action items the way a careful reader finds them: everything listed under an "Action items" / "Next steps"
// heading or in an owner/action/due table, explicit markers ("Action:", "TODO", open checkboxes), and commitments
// in running text ("Maria will send …", "Tomasz to run …", a speaker's "I'll …"). Each item gets its owner as
// written, the due date resolved against the document's own date (and removed from the title), and the sentence
// it came from.

const ACTION_SECTION = /\b(?:action(?:s| items?| points?)?|next steps?|to-?dos?|follow[- ]?ups?|tasks|owners and deadlines|corrective actions?)\b/i;
const MARKER_LABEL = /^(?:action(?: items?| points?)?|todo|to-do|follow[- ]?up|ai)$/i;
const INLINE_MARKER = /^(?:action(?: items?| points?)?|todo|to-do|follow[- ]?up)\s*(?:\((@?[^)]+)\))?\s*[:–—-]\s*/i;
// "The electrical contractor must replace …": a task with a role, not a person, as its subject.
const ROLE_SUBJECT = /^(?:the|a|an|our|their|each|every)\s+[\p{L}\s'’-]{2,40}?\s+(?:will|must|should|shall|needs to|is to|has to)\s+(?!be\b|not\b|have\b)(.*)$/iu;
const DUE_PREP = /(?:\b(?:by|before|until|till|due(?: on| by)?|deadline|no later than|latest|on or before|on)\s+(?:the\s+)?|\(\s*due\s+|[–—-]\s*due\s+|due\s*:\s*)$/i;
const NOT_DUE_PREP = /\b(?:in|for|of|at|from|since|after|every|each|during)\s+(?:the\s+)?$/i;
const BARE_RELATIVE = /^(?:next|this|tomorrow|today|tonight|within|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/i;
const PAST_OR_STATE = /^(?:be|been|have|has|had|not|also be|likely|probably|need|continue|remain)\b/i;
const PRONOUN_OBJECT = /^(?:check|do|look at|handle|take care of|fix|confirm)\s+(?:that|it|this)\b/i;
const VAGUE_DUE = /\s*\b(?:by|before|due|until)\s+((?:the\s+)?(?:(?:next|this|end of (?:the )?)\s*(?:quarter|year|sprint|release)|asap|soon))\b/i;
const COMMITMENT_HINT = /\b(?:will|'ll|’ll|to|should|must|needs?|shall|can|could|going)\b|^@/i;
const OWNER_PAREN = /\s*\((?:owner|assignee|who|responsible)\s*:\s*([^)]+)\)/i;
const NO_OWNER_PAREN = /\s*\((?:no owner|unassigned|tbd|owner tbd)[^)]*\)/i;

type Source = 'table' | 'section' | 'marker' | 'checkbox' | 'sentence';

interface Candidate {
  item: ActionItem;
  source: Source;
  order: number;
}

interface Context {
  reference: string;
  monthFirst: boolean;
  people: People;
  speaker?: string;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function tidy(text: string): string {
  return text
    .replace(/\(\s*\)/g, '')
    .replace(/\s*\(\s*$/, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:–—-]+|[\s,;:–—.!-]+$/g, '')
    .trim();
}

// Finds the due date in an item and cuts it (with its "by"/"due"/"before") out of the title.
function takeDue(text: string, ctx: Context): { text: string; due?: FoundDate; vagueHint?: string } {
  const dates = findDates(text, ctx.reference, ctx.monthFirst);
  let chosen: { date: FoundDate; cutStart: number } | undefined;
  for (const found of dates) {
    // chrono keeps a leading "on" ("on 17 June"); the preposition decides whether the date is a deadline.
    const lead = /^(?:on|by|before|until)\s+/i.exec(found.text);
    const date = lead ? { ...found, start: found.start + lead[0].length, text: found.text.slice(lead[0].length) } : found;
    const before = text.slice(0, date.start);
    const prep = DUE_PREP.exec(before);
    if (prep) {
      chosen = { date, cutStart: date.start - prep[0].length };
      break;
    }
    if (chosen === undefined && !NOT_DUE_PREP.test(before) && (BARE_RELATIVE.test(date.text) || /\bwithin\b/i.test(before.slice(-8)))) {
      chosen = { date, cutStart: date.start };
    }
  }
  if (!chosen) {
    // "by next quarter" has no day to hold anyone to, but it is still what was agreed: kept as the hint.
    const vague = VAGUE_DUE.exec(text);
    if (!vague?.[1]) return { text };
    return { text: text.slice(0, vague.index) + text.slice(vague.index + vague[0].length), vagueHint: vague[1] };
  }
  let end = chosen.date.end;
  // "(due 12/06)" loses its closing parenthesis with the date; "Thursday evening" its part of day.
  const rest = text.slice(end);
  const tail = /^\s*(?:evening|morning|afternoon|at \d{1,2}(?::\d{2})?\s*(?:am|pm)?|eod|cob)?\s*\)?/i.exec(rest);
  if (tail) end += tail[0].length;
  return { text: `${text.slice(0, chosen.cutStart)} ${text.slice(end)}`, due: chosen.date };
}

// "Maria Lopez", "Ana de la Cruz", "Nguyen Van An": capitalised words (and name particles) at the start.
function leadingName(words: readonly string[], ctx: Context, lenient: boolean, tokens: readonly Token[]): number {
  let n = 0;
  const bare = words.map((w) => w.replace(/[:,]$/, ''));
  while (n < Math.min(bare.length, 5) && isNameWord(bare[n] ?? '')) {
    n++;
    // "Sipho: run …": a colon or comma closes the name.
    if (bare[n - 1] !== words[n - 1]) break;
  }
  while (n > 0 && NAME_PARTICLES.has(bare[n - 1] ?? '')) n--;
  // "A follow-up inspection …": an article, not a name.
  if (n === 0 || NAME_PARTICLES.has(words[0] ?? '') || /^(?:A|An)$/.test(bare[0] ?? '')) return 0;
  const first = fold(bare[0] ?? '');
  const known = ctx.people.words.has(first) || ctx.people.speakers.has(bare.slice(0, n).join(' '));
  const proper = tokens[0]?.pos === 'PROPN';
  return known || proper || lenient ? n : 0;
}

interface Parsed {
  owner?: string;
  body: string;
}

// Splits "<owner> will/to/should <task>", "<owner>: <task>", "<owner> — <task>", "@owner <task>" and
// "The site manager, <owner>, will <task>".
function splitOwner(raw: string, ctx: Context, lenient: boolean): Parsed | undefined {
  // "Yes, I'll check that by Friday."
  const text = raw.replace(/^(?:yes|yeah|sure|ok|okay|great|fine|right|absolutely|no problem|of course)\b[,!.]?\s+/i, '');
  const handle = /^@([\w.-]+)\s+(.*)$/.exec(text);
  if (handle?.[1] && handle[2]) return { owner: handle[1], body: handle[2] };
  const appositive = /^(?:the|our|their)\s+[\p{Ll}\s-]{3,40},\s+([^,]{3,60}),\s+(.*)$/iu.exec(text);
  if (appositive?.[1] && appositive[2]) {
    const inner = splitOwner(`${appositive[1]} ${appositive[2]}`, ctx, true);
    if (inner?.owner) return inner;
  }
  const pronoun = /^(?:i|I)\s*(?:'ll|’ll|\s+will|\s+am going to|\s+can|\s+shall)\s+(.*)$/.exec(text);
  if (pronoun?.[1]) {
    const owner = ctx.speaker ?? ctx.people.author;
    return owner ? { owner, body: pronoun[1] } : { body: pronoun[1] };
  }
  const you = /^(?:(?:could|can|would|will)\s+you|please)\s+(?:also\s+|please\s+)?(.*)$/i.exec(text);
  if (you?.[1]) return ctx.people.addressee ? { owner: ctx.people.addressee, body: you[1] } : { body: you[1] };
  const role = ROLE_SUBJECT.exec(text);
  if (role?.[1]) return { body: role[1] };
  const words = text.split(/\s+/);
  const tokens = tagTokens(text);
  const n = leadingName(words, ctx, lenient, tokens);
  if (n === 0) return undefined;
  const owner = words.slice(0, n).join(' ').replace(/[:,–—-]+$/, '');
  const rest = words.slice(n).join(' ');
  const sep = /^(?:[:–—-]|\s)*(.*)$/.exec(rest);
  const afterSep = sep?.[1] ?? rest;
  // "Sipho: run …" and "Mehmet — fix …" name an owner only in a list of actions; in prose they are anything.
  if (/^[:–—-]/.test(rest) || /:$/.test(words[n - 1] ?? '')) return lenient ? { owner, body: afterSep } : undefined;
  const modal = /^(?:will|'ll|’ll|to|should|must|needs to|need to|has to|is to|is going to|agreed to|has agreed to|can|shall)\s+(?:also\s+)?(.*)$/i.exec(rest);
  if (modal?.[1] && !PAST_OR_STATE.test(modal[1])) return { owner, body: modal[1] };
  return undefined;
}

function startsWithVerb(text: string): boolean {
  const tokens = tagTokens(text);
  const first = tokens[0];
  // "Alerting fired …", "Discussed the plan": a gerund or a past form opens a report, not an instruction.
  if (first && /(?:ing|ed)$/i.test(first.text)) return false;
  return first !== undefined && (first.pos === 'VERB' || (first.pos === 'AUX' && /^(?:do|be)$/i.test(first.text)));
}

// A sentence that reports what happened ("Alerting fired after eight minutes") is not a task.
function looksDone(text: string): boolean {
  return /\b(?:was|were|did|had|has been|have been|is done|are done|finished|completed)\b/i.test(text) || /^[\p{L}-]+ed\b/u.test(text);
}

function build(raw: string, quote: string, ctx: Context, opts: { lenient: boolean; presetOwner?: string; presetDue?: string }): ActionItem | undefined {
  const marker = INLINE_MARKER.exec(raw);
  let text = raw.replace(INLINE_MARKER, '').trim();
  // "TODO(@dave): …" names its owner in the marker.
  let owner = opts.presetOwner ?? marker?.[1]?.replace(/^@/, '');
  const paren = OWNER_PAREN.exec(text);
  if (paren?.[1]) {
    owner ??= paren[1].trim();
    text = text.replace(OWNER_PAREN, '');
  }
  text = text.replace(NO_OWNER_PAREN, '');
  const { text: withoutDue, due, vagueHint } = takeDue(text, ctx);
  text = withoutDue;
  let presetDue: FoundDate | undefined;
  if (!due && opts.presetDue) presetDue = takeDue(`by ${opts.presetDue}`, ctx).due;
  const split = splitOwner(tidy(text), ctx, opts.lenient);
  if (!opts.lenient && !split?.owner) return undefined;
  if (split) {
    owner ??= split.owner;
    text = split.body;
  }
  const trailingOwner = /\s+[–—-]\s+([\p{Lu}][\p{L}'’-]+(?:\s[\p{Lu}][\p{L}'’-]+)?)\s*$/u.exec(text);
  if (trailingOwner?.[1] && !owner) {
    owner = trailingOwner[1];
    text = text.slice(0, trailingOwner.index);
  }
  const title = capitalise(tidy(text));
  if (title.length < 3 || !/\p{L}{2}/u.test(title)) return undefined;
  const dueDate = due?.date ?? presetDue?.date;
  const dueHint = due?.text ?? presetDue?.text ?? vagueHint;
  const ownerHint = owner ? fullName(owner.replace(/^@/, '').trim(), ctx.people) : undefined;
  return {
    title: title.slice(0, 500),
    ...(ownerHint ? { ownerHint: ownerHint.slice(0, 200) } : {}),
    ...(dueHint ? { dueHint: dueHint.slice(0, 200) } : {}),
    ...(dueDate ? { dueDate } : {}),
    quote: quote.slice(0, 1000),
  };
}

function sentencesOf(text: string): string[] {
  // Clauses after ";" can carry their own commitment ("…; Chloé will issue a revised detail").
  return text
    .split(/(?<=[.!?])\s+(?=[\p{Lu}@"“])|;\s+/u)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function fromTableRow(block: Block, ctx: Context): ActionItem | undefined {
  const cells = block.cells ?? {};
  const pick = (re: RegExp) => Object.entries(cells).find(([k]) => re.test(k))?.[1]?.trim();
  const task = pick(/^(?:action|task|what|to ?do|next step)/i);
  const owner = pick(/^(?:owner|who|responsible|assignee|assigned)/i);
  const due = pick(/^(?:due|deadline|by|when|target)/i);
  // A price list or checklist is a table too: only one that says who or by when lists tasks.
  if (!task || (owner === undefined && due === undefined)) return undefined;
  return build(task, block.text, ctx, { lenient: true, ...(owner ? { presetOwner: owner } : {}), ...(due ? { presetDue: due } : {}) });
}

export function extractActionItems(input: ExtractActionsInput): ExtractActionsOutput {
  const { blocks } = parseBlocks(input.text);
  const people = findPeople(blocks, input.text);
  const base: Context = {
    reference: input.referenceDate ?? new Date().toISOString().slice(0, 10),
    monthFirst: prefersMonthFirst(input.text),
    people,
  };
  const found: Candidate[] = [];
  const add = (item: ActionItem | undefined, source: Source, order: number) => {
    if (item) found.push({ item, source, order });
  };
  let explicitSeen = false;
  // The last request made of someone in a transcript ("Aiko, can you also check …?"), for their "Yes, I'll check
  // that by Friday".
  let pendingRequest: Candidate | undefined;

  blocks.forEach((block, order) => {
    const ctx: Context = block.kind === 'turn' && block.label ? { ...base, speaker: block.label } : base;
    const inSection = block.section !== undefined && ACTION_SECTION.test(block.section) && block.kind !== 'heading';
    if (block.kind === 'heading') return;
    if (block.kind === 'row') {
      add(fromTableRow(block, ctx), 'table', order);
      return;
    }
    if (block.checkbox === 'done') return;
    if (block.checkbox === 'open') {
      add(build(block.text, block.text, ctx, { lenient: true }), 'checkbox', order);
      explicitSeen = true;
      return;
    }
    const marker = (block.kind === 'field' && block.label && MARKER_LABEL.test(block.label)) || INLINE_MARKER.test(block.text);
    if (marker) {
      const body = block.kind === 'field' && block.value && MARKER_LABEL.test(block.label ?? '') ? block.value : block.text;
      add(build(body, block.text, ctx, { lenient: true }), 'marker', order);
      explicitSeen = true;
      return;
    }
    if (block.kind === 'field') return;
    const body = block.kind === 'turn' ? (block.value ?? '') : block.text;
    for (const sentence of sentencesOf(body)) {
      if (inSection) {
        if (looksDone(sentence) && !/\b(?:will|to|should|must)\b/i.test(sentence)) continue;
        const actionable =
          startsWithVerb(sentence) ||
          /^(?:we|i)\b/i.test(sentence) ||
          /\b(?:will|must|should)\s+\p{Ll}/u.test(sentence) ||
          /^@?[\p{Lu}][\p{L} .'’-]{0,40}(?::|\s[–—-])\s/u.test(sentence);
        const item = build(sentence, sentence, ctx, { lenient: false }) ?? (actionable ? build(sentence, sentence, ctx, { lenient: true }) : undefined);
        if (item) {
          add(stripWe(item), 'section', order);
          explicitSeen = true;
        }
        continue;
      }
      const request = /^([\p{Lu}][\p{L}'’-]+),\s+(?:can|could|would) you\s+(?:also\s+|please\s+)?(.+?)\??$/u.exec(sentence);
      if (request?.[1] && request[2] && block.kind === 'turn') {
        const item = build(request[2], sentence, ctx, { lenient: true, presetOwner: request[1] });
        if (item) {
          pendingRequest = { item, source: 'sentence', order };
          found.push(pendingRequest);
        }
        continue;
      }
      // Most sentences commit nobody to anything; only those with a modal or a pronoun subject are read closely.
      if (!COMMITMENT_HINT.test(sentence)) continue;
      const item = build(sentence, sentence, ctx, { lenient: false });
      if (!item) continue;
      if (PRONOUN_OBJECT.test(item.title) && pendingRequest && pendingRequest.item.ownerHint === item.ownerHint) {
        // "Yes, I'll check that by Friday": the due date belongs to the request it answers.
        if (item.dueDate) pendingRequest.item = { ...pendingRequest.item, dueDate: item.dueDate, ...(item.dueHint ? { dueHint: item.dueHint } : {}) };
        continue;
      }
      add(item, 'sentence', order);
    }
  });

  // Bare imperative note lines ("ask finance about the budget") count only in notes that list actions anyway.
  if (explicitSeen) {
    blocks.forEach((block, order) => {
      if (block.kind !== 'paragraph' || block.section !== undefined && ACTION_SECTION.test(block.section)) return;
      const parts = sentencesOf(block.text);
      const only = parts[0];
      if (parts.length !== 1 || !only || only.split(/\s+/).length > 15 || !/^\p{Ll}/u.test(only) || !startsWithVerb(only)) return;
      if (found.some((f) => f.order === order)) return;
      add(build(only, only, base, { lenient: true }), 'marker', order);
    });
  }

  const items = dedupe(found.sort((a, b) => a.order - b.order));
  const heuristic = items.some((c) => c.source === 'sentence');
  const confidence = items.length === 0 ? 0.4 : heuristic ? 0.6 : 0.75;
  return { items: items.slice(0, 200).map((c) => c.item), confidence };
}

function stripWe(item: ActionItem): ActionItem {
  const title = item.title.replace(/^(?:We|I)\s+(?:will|'ll|’ll|shall|must|should|need to)\s+/i, '');
  return { ...item, title: capitalise(title) };
}

const STRENGTH: Record<Source, number> = { table: 4, marker: 4, checkbox: 4, section: 3, sentence: 1 };

function titleWords(title: string): Set<string> {
  return new Set(fold(title).match(/\p{L}{3,}/gu) ?? []);
}

function sameTask(a: ActionItem, b: ActionItem): boolean {
  const ownerA = fold(a.ownerHint ?? '').split(' ')[0];
  const ownerB = fold(b.ownerHint ?? '').split(' ')[0];
  if (ownerA !== ownerB) return false;
  const wa = titleWords(a.title);
  const wb = titleWords(b.title);
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  return shared / Math.max(1, Math.min(wa.size, wb.size)) >= 0.6;
}

// The same task mentioned twice (in the discussion and again in the action list) is one item: the more explicit
// mention wins, in the position of the first.
function dedupe(found: Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  for (const c of found) {
    const twin = out.findIndex((o) => sameTask(o.item, c.item));
    if (twin < 0) {
      out.push(c);
      continue;
    }
    const existing = out[twin];
    if (existing && STRENGTH[c.source] > STRENGTH[existing.source]) out[twin] = { ...c, order: existing.order };
  }
  return out;
}
