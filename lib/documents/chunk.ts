import { softWrapOffsets } from '@/lib/ai/nlp/blocks';

export interface TextChunk {
  ord: number;
  text: string;
  start: number;
  end: number;
}

export interface ChunkOptions {
  // Aim for chunks of about this many characters (never more, unless one word is longer).
  target?: number;
  // Up to this many characters of whole sentences from the end of a chunk begin the next one.
  overlap?: number;
}

interface Span {
  start: number;
  end: number;
}

export const CHUNK_TARGET = 800;
export const CHUNK_OVERLAP = 160;

// Sentence ends (., !, ?, … followed by space), line breaks (headings, list items, paragraphs).
const BOUNDARY = /[.!?…]+["')\]]*\s+|\n+/g;

function trimmed(text: string, start: number, end: number): Span | undefined {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s] ?? '')) s++;
  while (e > s && /\s/.test(text[e - 1] ?? '')) e--;
  return e > s ? { start: s, end: e } : undefined;
}

// A sentence longer than a chunk is cut at word boundaries (or anywhere, for a single enormous "word").
function splitLong(text: string, span: Span, target: number): Span[] {
  const out: Span[] = [];
  let start = span.start;
  while (span.end - start > target) {
    let cut = text.lastIndexOf(' ', start + target);
    if (cut <= start) cut = start + target;
    const piece = trimmed(text, start, cut);
    if (piece) out.push(piece);
    start = cut;
  }
  const rest = trimmed(text, start, span.end);
  if (rest) out.push(rest);
  return out;
}

export function splitSentenceSpans(text: string, target = CHUNK_TARGET): Span[] {
  const spans: Span[] = [];
  const soft = softWrapOffsets(text);
  let start = 0;
  for (const m of text.matchAll(BOUNDARY)) {
    // A line break inside a wrapped sentence is not a boundary: a chunk never ends half-way through a sentence.
    if (m[0] === '\n' && soft.has(m.index ?? -1)) continue;
    const end = (m.index ?? 0) + m[0].length;
    const span = trimmed(text, start, end);
    if (span) spans.push(...splitLong(text, span, target));
    start = end;
  }
  const last = trimmed(text, start, text.length);
  if (last) spans.push(...splitLong(text, last, target));
  return spans;
}

// Packs whole sentences into chunks of about `target` characters; each chunk starts with the last sentences of
// the previous one (up to `overlap` characters), so a fact split across a boundary is still found whole.
// Offsets point into the original text, and chunk text is the original slice (formatting kept).
export function chunkText(text: string, options: ChunkOptions = {}): TextChunk[] {
  const target = options.target ?? CHUNK_TARGET;
  const overlap = Math.min(options.overlap ?? CHUNK_OVERLAP, Math.floor(target / 2));
  const spans = splitSentenceSpans(text, target);
  const chunks: TextChunk[] = [];
  let current: Span[] = [];
  const width = (list: Span[]) => {
    const first = list[0];
    const last = list[list.length - 1];
    return first && last ? last.end - first.start : 0;
  };
  const emit = () => {
    const first = current[0];
    const last = current[current.length - 1];
    if (!first || !last) return;
    chunks.push({ ord: chunks.length, text: text.slice(first.start, last.end), start: first.start, end: last.end });
  };

  for (const span of spans) {
    if (current.length > 0 && width([...current, span]) > target) {
      emit();
      const carried: Span[] = [];
      // Never carry the whole previous chunk (i > 0), so every chunk moves forward.
      for (let i = current.length - 1; i > 0; i--) {
        const sentence = current[i];
        if (!sentence || width([sentence, ...carried]) > overlap) break;
        carried.unshift(sentence);
      }
      current = width([...carried, span]) > target ? [] : carried;
    }
    current.push(span);
  }
  emit();
  return chunks;
}

// chunkText's boundaries as flattened [start, end) pairs: what the pipeline worker sends back instead of the text,
// which the caller already holds (chunksFromSpans rebuilds the chunks from it).
export function chunkSpans(text: string, options: ChunkOptions = {}): Int32Array<ArrayBuffer> {
  const chunks = chunkText(text, options);
  const spans = new Int32Array(chunks.length * 2);
  chunks.forEach((c, i) => {
    spans[2 * i] = c.start;
    spans[2 * i + 1] = c.end;
  });
  return spans;
}

export function chunksFromSpans(text: string, spans: Int32Array): TextChunk[] {
  const chunks: TextChunk[] = [];
  for (let i = 0; i + 1 < spans.length; i += 2) {
    const start = spans[i] ?? 0;
    const end = spans[i + 1] ?? start;
    chunks.push({ ord: chunks.length, text: text.slice(start, end), start, end });
  }
  return chunks;
}
