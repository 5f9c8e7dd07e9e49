import { parseBlocks, type Block } from './blocks';

// A document's title as a reader would give it: its first heading, an email's subject, or a title line at the top
// (skipping a letterhead: "Rivera Consulting S.L.", "Municipality of Eastbrook — …"). Generic one-word titles
// ("INVOICE") take the document's number along ("Invoice RC-2026-044"). Undefined when nothing looks like a title.

const MAX_TITLE = 120;
const HEAD_BLOCKS = 8;
const LETTERHEAD = /\b(?:ltd|limited|inc|llc|llp|plc|gmbh|ag|as|ab|s\.l\.|sa|bv|corp|corporation|department|municipality|council)\b\.?/i;
const NOT_TITLE = /^(?:confidential|draft|internal|page \d+|private|strictly confidential|for internal use)/i;
const GENERIC = /^(?:invoice|receipt|bill|permit|minutes|notes|agreement|contract|report|memo|memorandum)$/i;
const NUMBER_LABEL = /^(?:invoice|permit|certificate|receipt|bill|contract|report|reference|ref)\.?\s*(?:number|no\.?|#|ref(?:erence)?)$/i;

function sentenceCase(text: string): string {
  const letters = text.replace(/[^\p{L}]/gu, '');
  if (letters.length < 4 || letters !== letters.toUpperCase()) return text;
  const lower = text.toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

function clip(text: string): string {
  return text.length > MAX_TITLE ? `${text.slice(0, MAX_TITLE - 1).trimEnd()}…` : text;
}

function withNumber(title: string, blocks: readonly Block[]): string {
  if (!GENERIC.test(title)) return title;
  const numbered = blocks.find((b) => b.kind === 'field' && b.label && NUMBER_LABEL.test(b.label) && b.value);
  const number = numbered?.value?.split(/\s/)[0];
  return number ? `${title} ${number}` : title;
}

export function titleFromText(text: string): string | undefined {
  const { blocks } = parseBlocks(text.slice(0, 4000));
  const subject = blocks.find((b) => b.kind === 'field' && /^subject$/i.test(b.label ?? ''));
  if (subject?.value) return clip(subject.value);
  const head = blocks.slice(0, HEAD_BLOCKS);
  const markdown = head.find((b, i) => b.kind === 'heading' && /^\s{0,3}#/.test(text.split('\n')[b.line] ?? '') && i < HEAD_BLOCKS);
  if (markdown) return clip(withNumber(sentenceCase(markdown.text), blocks));
  const candidates = head.filter((b) => b.kind === 'heading' && !NOT_TITLE.test(b.text));
  // A letterhead sits above the real title; an all-caps line below it is the title ("SUPPLY AGREEMENT").
  const caps = candidates.find((b) => b.text === b.text.toUpperCase() && /\p{L}{3}/u.test(b.text));
  const first = candidates[0];
  const afterLetterhead = () => {
    const at = first ? head.indexOf(first) : -1;
    const next = head[at + 1];
    // The line under a letterhead, if it reads as a title rather than a sentence or a field.
    return next && (next.kind === 'heading' || next.kind === 'paragraph') && next.text.split(/\s+/).length <= 12 && !/[.!?]$/.test(next.text) ? next : undefined;
  };
  const chosen = first && LETTERHEAD.test(first.text) ? (caps ?? afterLetterhead() ?? candidates.find((b) => !LETTERHEAD.test(b.text)) ?? first) : (first ?? caps);
  if (chosen) return clip(withNumber(sentenceCase(chosen.text), blocks));
  const opening = blocks[0];
  if (opening && (opening.kind === 'paragraph' || opening.kind === 'item') && opening.text.length <= 90 && !/[.!?]$/.test(opening.text)) {
    return clip(opening.text.charAt(0).toUpperCase() + opening.text.slice(1));
  }
  return undefined;
}
