// Reads a plain-text document (markdown, pasted notes, text extracted from a PDF) into blocks: headings, list items,
// "Label: value" fields, speaker turns, table rows and paragraphs. Lines a PDF or an editor wrapped are joined back
// together first, so nothing downstream ever sees half a sentence. Hand-rolled on purpose: this is layout, not
// language, and no maintained library reads the loose layouts people paste.

export type BlockKind = 'heading' | 'item' | 'field' | 'turn' | 'row' | 'paragraph';

export interface Block {
  kind: BlockKind;
  // Markers stripped (#, bullets, checkboxes, **), wrapped lines joined.
  text: string;
  // 0-based line of the block's first line.
  line: number;
  // The nearest heading above (or the label of a "Label:" line that opens a list), lower-case.
  section: string | undefined;
  checkbox?: 'open' | 'done';
  // fields and turns: "Label: value"
  label?: string;
  value?: string;
  // table rows, keyed by the header row's cells (lower-case)
  cells?: Record<string, string>;
}

const HEADING_MD = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/;
const BULLET = /^(\s*)(?:[-*•–·]|\d{1,2}[.)]|[a-z][.)])\s+(.*)$/;
const CHECKBOX = /^\[([ xX])\]\s*(.*)$/;
const TABLE = /^\s*\|(.+)\|\s*$/;
const TABLE_RULE = /^\s*\|?\s*:?-{3,}/;
const FIELD = /^\s*(?:\*\*)?([\p{L}][\p{L}\p{N} .'’&/()-]{0,40}?)(?:\*\*)?\s*:(?:\*\*)?\s+(\S.*)$/u;
const LABEL_ONLY = /^\s*(?:\*\*)?([\p{L}][\p{L}\p{N} .'’&/()-]{0,60}?)(?:\*\*)?\s*:\s*(?:\*\*)?\s*$/u;
// A line of comma-separated values (an export, a log): data, not prose.
const CSV_ROW = /^[^,\s][^,]*(?:,[^,]*){4,}$/;
const SENTENCE_END = /[.!?…]["')\]]?$/;
// A line that ends on one of these words cannot be the end of a thought: the next line continues it.
const DANGLING = /(?:^|\s)(?:the|a|an|to|of|and|or|but|for|with|in|on|at|by|from|into|that|which|who|is|are|was|were|be|will|shall|must|our|their|its|his|her|this|these|as|than|per)$/i;

function stripInline(text: string): string {
  return text
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/__(.+?)__/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

function words(text: string): number {
  return text.split(/\s+/).filter((w) => w !== '').length;
}

function isAllCaps(text: string): boolean {
  const letters = text.replace(/[^\p{L}]/gu, '');
  return letters.length >= 4 && letters === letters.toUpperCase();
}

// A short stand-alone line with no closing punctuation: "Action items", "Decisions", "SITE SAFETY REPORT".
function looksLikeHeading(line: string, nextBlank: boolean, prevBlank: boolean, prevClosed = false): boolean {
  const t = line.trim();
  if (t === '' || SENTENCE_END.test(t) || /[,;]$/.test(t)) return false;
  const n = words(t);
  if (n > 10) return false;
  if (isAllCaps(t)) return true;
  if (!/^[\p{Lu}\p{N}]/u.test(t)) return false;
  // After a closed line, only a plain label reads as a heading ("Findings", "Corrective actions", "4. Actions").
  return ((nextBlank || prevBlank) && n <= 8) || (prevClosed && n <= 4 && /^[\p{L}\d. &-]+$/u.test(t));
}

interface Line {
  raw: string;
  index: number;
}

// Separator rows (|---|) and the header row of a markdown table.
function tableCells(line: string): string[] {
  const m = TABLE.exec(line);
  return m?.[1] ? m[1].split('|').map((c) => stripInline(c)) : [];
}

export interface ParsedDocument {
  blocks: Block[];
  // Prose lines were re-joined at this width (the document's longest prose line), 0 when nothing was wrapped.
  wrapWidth: number;
}

function proseWidth(lines: readonly string[]): number {
  let width = 0;
  for (const l of lines) if (!TABLE.test(l) && !HEADING_MD.test(l)) width = Math.max(width, l.trimEnd().length);
  return width;
}

// Whether `next` continues the sentence that `prev` (the last physical line so far) was cut from.
function continues(prev: string, next: string, width: number): boolean {
  const p = prev.trimEnd();
  const n = next.trim();
  if (p === '' || n === '' || SENTENCE_END.test(p) || /:$/.test(p)) return false;
  if (BULLET.test(next) || TABLE.test(next) || HEADING_MD.test(next) || FIELD.test(next)) return false;
  if (DANGLING.test(p) || /[,–-]$/.test(p)) return true;
  // Filled to the wrap width: a soft wrap, whatever case the next line starts with ("before 30 / September").
  return width >= 50 && width <= 160 && p.length >= width * 0.85;
}

// Offsets of the line breaks that only wrap a sentence (a PDF's fixed-width lines): whoever cuts text at line
// breaks (the chunker) must not cut there.
export function softWrapOffsets(text: string): Set<number> {
  const lines = text.split('\n');
  const width = proseWidth(lines);
  const soft = new Set<number>();
  let offset = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const line = lines[i] ?? '';
    offset += line.length;
    if (continues(line.replace(/\r$/, ''), lines[i + 1] ?? '', width)) soft.add(offset);
    offset += 1;
  }
  return soft;
}

export function parseBlocks(text: string): ParsedDocument {
  const rawLines = text.replace(/\r\n?/g, '\n').split('\n');
  const width = proseWidth(rawLines);
  const lines: Line[] = rawLines.map((raw, index) => ({ raw, index }));
  const blocks: Block[] = [];
  let section: string | undefined;
  let header: string[] | undefined;
  let i = 0;

  const isBlank = (k: number) => (lines[k]?.raw.trim() ?? '') === '';
  const push = (block: Omit<Block, 'section'>) => {
    blocks.push({ ...block, section });
  };

  while (i < lines.length) {
    const line = lines[i];
    if (!line) break;
    const raw = line.raw;
    if (raw.trim() === '') {
      header = undefined;
      i++;
      continue;
    }
    const md = HEADING_MD.exec(raw);
    if (md?.[1]) {
      const title = stripInline(md[1]);
      section = title.toLowerCase();
      blocks.push({ kind: 'heading', text: title, line: line.index, section });
      header = undefined;
      i++;
      continue;
    }
    if (TABLE.test(raw)) {
      const cells = tableCells(raw);
      if (TABLE_RULE.test(raw.replace(/^\s*\|/, '|'))) {
        i++;
        continue;
      }
      if (!header) header = cells.map((c) => c.toLowerCase());
      else {
        const record: Record<string, string> = {};
        header.forEach((h, k) => {
          record[h || `col${k}`] = cells[k] ?? '';
        });
        push({ kind: 'row', text: cells.filter((c) => c !== '').join(' · '), line: line.index, cells: record });
      }
      i++;
      continue;
    }
    header = undefined;
    if (CSV_ROW.test(raw.trim()) && !/,\s/.test(raw)) {
      push({ kind: 'row', text: raw.trim(), line: line.index });
      i++;
      continue;
    }
    const bullet = BULLET.exec(raw);
    if (bullet) {
      const indent = bullet[1]?.length ?? 0;
      let body = bullet[2] ?? '';
      let checkbox: Block['checkbox'];
      const box = CHECKBOX.exec(body);
      if (box) {
        checkbox = box[1] === ' ' ? 'open' : 'done';
        body = box[2] ?? '';
      }
      let j = i + 1;
      // Continuation lines: indented under the item, or a wrap of it.
      while (j < lines.length) {
        const next = lines[j]?.raw ?? '';
        if (next.trim() === '' || BULLET.test(next)) break;
        const indented = (/^\s*/.exec(next)?.[0].length ?? 0) > indent;
        if (!indented && !continues(lines[j - 1]?.raw ?? '', next, width)) break;
        body = `${body} ${next.trim()}`;
        j++;
      }
      const clean = stripInline(body);
      const numbered = /^\s*\d{1,2}[.)]/.test(raw);
      const nextIsItem = BULLET.test(lines[j]?.raw ?? '');
      // "1. Status" above a paragraph is a numbered heading, not a list item.
      if (numbered && !nextIsItem && !checkbox && looksLikeHeading(clean, true, true) && words(clean) <= 5 && !isBlank(j)) {
        section = clean.toLowerCase();
        blocks.push({ kind: 'heading', text: clean, line: line.index, section });
      } else if (clean !== '') {
        push({ kind: 'item', text: clean, line: line.index, ...(checkbox ? { checkbox } : {}) });
      }
      i = j;
      continue;
    }
    const labelOnly = LABEL_ONLY.exec(raw);
    if (labelOnly?.[1] && words(labelOnly[1]) <= 6) {
      // "Action items:" opens the list below it, like a heading.
      const title = stripInline(labelOnly[1]);
      section = title.toLowerCase();
      blocks.push({ kind: 'heading', text: title, line: line.index, section });
      i++;
      continue;
    }
    const field = FIELD.exec(raw);
    if (field?.[1] && field[2] && words(field[1]) <= 5 && !/https?$/i.test(field[1])) {
      let value = field[2];
      let j = i + 1;
      while (j < lines.length && continues(lines[j - 1]?.raw ?? '', lines[j]?.raw ?? '', width)) {
        value = `${value} ${lines[j]?.raw.trim() ?? ''}`;
        j++;
      }
      const label = stripInline(field[1]);
      const clean = stripInline(value);
      push({ kind: 'field', text: `${label}: ${clean}`, line: line.index, label, value: clean });
      i = j;
      continue;
    }
    // In text without blank lines (a PDF's), a short line after a finished sentence or a field is a heading too.
    const prev = lines[i - 1]?.raw.trim() ?? '';
    const prevClosed = SENTENCE_END.test(prev) || FIELD.test(prev) || blocks.at(-1)?.kind === 'heading';
    if (looksLikeHeading(raw, isBlank(i + 1), i === 0 || isBlank(i - 1), prevClosed) && !continues(raw, lines[i + 1]?.raw ?? '', width)) {
      const title = stripInline(raw);
      section = title.toLowerCase();
      blocks.push({ kind: 'heading', text: title, line: line.index, section });
      i++;
      continue;
    }
    let body = raw.trim();
    let j = i + 1;
    while (j < lines.length && continues(lines[j - 1]?.raw ?? '', lines[j]?.raw ?? '', width)) {
      body = `${body} ${lines[j]?.raw.trim() ?? ''}`;
      j++;
    }
    push({ kind: 'paragraph', text: stripInline(body), line: line.index });
    i = j;
  }
  return { blocks: markTurns(blocks), wrapWidth: width };
}

const FIELD_WORDS = /^(?:date|time|location|venue|attendees|present|participants|members|agenda|subject|from|to|cc|re|note|notes|status|owner|due|result|total|site|project|chair|author|version|scope|purpose|period)$/i;

// Transcripts: "Name: what they said" lines whose labels repeat are speaker turns, not fields. Once a text reads as
// a transcript, a name-like label seen only once (a passage cut from the middle of a call) is a turn too.
function markTurns(blocks: Block[]): Block[] {
  const counts = new Map<string, number>();
  for (const b of blocks) if (b.kind === 'field' && b.label) counts.set(b.label, (counts.get(b.label) ?? 0) + 1);
  const nameLike = (label: string) =>
    words(label) <= 3 && !/\d/.test(label) && label.split(/\s+/).every((w) => /^\p{Lu}/u.test(w) && !FIELD_WORDS.test(w));
  const speakers = new Set([...counts.entries()].filter(([label, n]) => n >= 2 && nameLike(label)).map(([label]) => label));
  const nameLines = blocks.filter((b) => b.kind === 'field' && b.label && nameLike(b.label)).length;
  if (speakers.size < 2 && !(speakers.size === 1 && nameLines >= 3)) return blocks;
  return blocks.map((b) => (b.kind === 'field' && b.label && (speakers.has(b.label) || nameLike(b.label)) ? { ...b, kind: 'turn' } : b));
}
