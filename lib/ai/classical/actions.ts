import type { ActionItem, ExtractActionsInput, ExtractActionsOutput } from '@/lib/ai/types';
import { splitSentences } from '@/lib/ai/text';

// Pattern-based action items. Explicit markers ("Action:", "TODO:", "- [ ]") are reliable; "<Name> will …" and
// "<Name> to … by <date>" are heuristics, so they lower the reported confidence.

const MARKER =
  /^\s*(?:[-*•]\s*)?(?:\*\*)?(?:action(?:\s+items?)?|todo|to-do|follow[- ]?up)(?:\*\*)?\s*(?:\((@?[^)]+)\))?(?:\s*:|\s+[–—-])\s*(.+)$/i;
const CHECKBOX = /^\s*(?:[-*•]|\d+[.)])\s*\[\s?\]\s+(.+)$/;
const NAME = String.raw`([A-Z][\p{L}'’-]+(?:\s[A-Z][\p{L}'’-]+)?)`;
const NAME_WILL = new RegExp(String.raw`^(?:[-*•]\s*)?${NAME}\s+will\s+(.+)$`, 'u');
const NAME_TO_BY = new RegExp(String.raw`^(?:[-*•]\s*)?${NAME}\s+to\s+(.+)$`, 'u');
const NAME_LEAD = new RegExp(String.raw`^${NAME}\s+(?:to|will|should|must|needs\s+to)\s+(.+)$`, 'u');
const HANDLE = /(?:^|\s)@([\w.-]+)/;
const OWNER_PAREN = /\s*\((?:owner|assignee|who)\s*:\s*([^)]+)\)/i;

const WEEKDAY = 'monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun';
const MONTH = 'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';
const DUE_PHRASE = String.raw`(?:(?:next|this|end of(?: the)?)\s+)?(?:${WEEKDAY}|${MONTH}|tomorrow|today|tonight|eod|eow|eom|cob|week|month|quarter|year|q[1-4]|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?)\b[^.;]*`;
const DUE = new RegExp(String.raw`[\s,]+(?:by|before|due(?:\s+(?:on|by))?|no later than)\s+(${DUE_PHRASE})\s*[.!]?\s*$`, 'i');

// Capitalised words that start sentences but are not people.
const NOT_NAMES = new Set(
  (
    'the this that these those it its we they there he she you i our your their which who what when where why how ' +
    'everyone someone somebody nobody anyone each all both next then also here today tomorrow team management ' +
    'payment meeting contract agreement company client customer party parties supplier vendor buyer seller ' +
    'document report policy project invoice employee employees staff user users system service it one ' +
    'please note welcome thanks thank regards hello hi dear if once after before during while since'
  ).split(' '),
);

function isPersonName(name: string): boolean {
  return name.split(/\s+/).every((w) => !NOT_NAMES.has(w.toLowerCase()));
}

function cleanTitle(raw: string): string {
  const title = raw.trim().replace(/[.;,\s]+$/, '');
  return title.charAt(0).toUpperCase() + title.slice(1);
}

interface Parsed {
  item: ActionItem;
  explicit: boolean;
}

// Pulls owner and due hints out of an item's text; what remains is the title.
function parseBody(body: string, presetOwner: string | undefined): ActionItem | undefined {
  let text = body.trim();
  let owner = presetOwner?.replace(/^@/, '').trim();
  let due: string | undefined;

  const paren = OWNER_PAREN.exec(text);
  if (paren) {
    owner ??= paren[1]?.trim();
    text = text.replace(OWNER_PAREN, '');
  }
  const dueMatch = DUE.exec(text);
  if (dueMatch) {
    due = dueMatch[1]?.trim();
    text = text.slice(0, dueMatch.index);
  }
  const lead = NAME_LEAD.exec(text);
  if (lead?.[1] && lead[2] && isPersonName(lead[1])) {
    owner ??= lead[1];
    text = lead[2];
  }
  const handle = HANDLE.exec(text);
  if (handle?.[1]) owner ??= handle[1];

  const title = cleanTitle(text);
  if (title.length < 3) return undefined;
  return {
    title: title.slice(0, 500),
    ...(owner ? { ownerHint: owner.slice(0, 200) } : {}),
    ...(due ? { dueHint: due.slice(0, 200) } : {}),
  };
}

function parseLine(line: string): Parsed | undefined {
  const marker = MARKER.exec(line);
  if (marker?.[2]) {
    const item = parseBody(marker[2], marker[1]);
    return item ? { item, explicit: true } : undefined;
  }
  const box = CHECKBOX.exec(line);
  if (box?.[1]) {
    const item = parseBody(box[1], undefined);
    return item ? { item, explicit: true } : undefined;
  }
  return undefined;
}

function parseSentence(sentence: string): Parsed | undefined {
  const will = NAME_WILL.exec(sentence);
  if (will?.[1] && will[2] && isPersonName(will[1]) && !/^(?:be|have|not|also be|likely|probably)\b/i.test(will[2])) {
    const item = parseBody(will[2], will[1]);
    return item ? { item, explicit: false } : undefined;
  }
  const to = NAME_TO_BY.exec(sentence);
  // "<Name> to …" alone is too often prose ("Welcome to …"); only a due date makes it an assignment.
  if (to?.[1] && to[2] && isPersonName(to[1]) && DUE.test(to[2])) {
    const item = parseBody(to[2], to[1]);
    return item ? { item, explicit: false } : undefined;
  }
  return undefined;
}

export function extractActionItems(input: ExtractActionsInput): ExtractActionsOutput {
  const found: Parsed[] = [];
  const markedLines = new Set<string>();
  for (const line of input.text.split(/\r?\n/)) {
    const parsed = parseLine(line);
    if (parsed) {
      found.push(parsed);
      markedLines.add(line.trim());
    }
  }
  for (const sentence of splitSentences(input.text)) {
    if ([...markedLines].some((l) => l.includes(sentence.text))) continue;
    const parsed = parseSentence(sentence.text);
    if (parsed) found.push(parsed);
  }

  const seen = new Set<string>();
  const items: ActionItem[] = [];
  for (const { item } of found) {
    const key = item.title.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    items.push(item);
  }
  const heuristic = found.some((f) => !f.explicit);
  const confidence = items.length === 0 ? 0.4 : heuristic ? 0.45 : 0.6;
  return { items: items.slice(0, 200), confidence };
}
