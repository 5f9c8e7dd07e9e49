import { describe, expect, it } from 'vitest';
import { chunkText, splitSentenceSpans } from '@/lib/documents/chunk';
import { detectUploadType } from '@/lib/documents/sniff';
import { longText, makeMp3, makePdf, makePng, makeWav } from '../fixtures/documents/files';

describe('chunkText', () => {
  it('returns nothing for empty or blank text, and one chunk for short text', () => {
    expect(chunkText('')).toEqual([]);
    expect(chunkText('  \n\n ')).toEqual([]);
    expect(chunkText('  One sentence.  ')).toEqual([{ ord: 0, text: 'One sentence.', start: 2, end: 15 }]);
  });

  it('keeps sentences whole, stays within the target and overlaps by whole sentences', () => {
    const text = longText(12);
    const chunks = chunkText(text, { target: 400, overlap: 120 });
    expect(chunks.length).toBeGreaterThan(text.length / 400);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(400);
      expect(text.slice(c.start, c.end)).toBe(c.text);
      expect(c.text).toMatch(/^[A-Z]/);
      expect(c.text).toMatch(/[.)]$/);
    }
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1];
      const cur = chunks[i];
      if (!prev || !cur) continue;
      expect(cur.start).toBeGreaterThan(prev.start);
      expect(cur.start).toBeLessThan(prev.end);
      expect(prev.end - cur.start).toBeLessThanOrEqual(120);
    }
    const covered = chunks.map((c) => [c.start, c.end]);
    expect(covered[0]?.[0]).toBe(0);
    expect(covered.at(-1)?.[1]).toBe(text.length);
  });

  it('cuts a sentence longer than a chunk at word boundaries, and a giant word anywhere', () => {
    const words = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const chunks = chunkText(words, { target: 200, overlap: 0 });
    expect(chunks.every((c) => c.text.length <= 200)).toBe(true);
    expect(chunks.map((c) => c.text).join(' ')).toBe(words);
    const giant = 'x'.repeat(1000);
    expect(chunkText(giant, { target: 300 }).map((c) => c.text.length)).toEqual([300, 300, 300, 100]);
  });

  it('treats line breaks as boundaries (headings, list items)', () => {
    const spans = splitSentenceSpans('# Title\n- first item\n- second item');
    expect(spans).toHaveLength(3);
  });
});

describe('detectUploadType', () => {
  const utf8 = (s: string) => new TextEncoder().encode(s);

  it('trusts the bytes, not the name', () => {
    expect(detectUploadType(makePdf(['x']), 'application/octet-stream', 'upload.bin')).toEqual({ kind: 'pdf', mime: 'application/pdf' });
    expect(detectUploadType(makeWav(), undefined, undefined)).toEqual({ kind: 'audio', mime: 'audio/wav' });
    expect(detectUploadType(makeMp3(), 'audio/mpeg', 'a.mp3')).toEqual({ kind: 'audio', mime: 'audio/mpeg' });
    expect(detectUploadType(utf8('# Heading'), 'text/markdown', 'a.md')).toEqual({ kind: 'markdown', mime: 'text/markdown' });
    expect(detectUploadType(utf8('plain words'), '', 'notes.txt')).toEqual({ kind: 'text', mime: 'text/plain' });
  });

  it('recognises M4A and WebM containers', () => {
    const m4a = new Uint8Array([0, 0, 0, 0x20, ...new TextEncoder().encode('ftypM4A '), 0, 0, 0, 0]);
    expect(detectUploadType(m4a, 'audio/x-m4a', 'memo.m4a').mime).toBe('audio/mp4');
    const webm = new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]);
    expect(detectUploadType(webm, 'audio/webm', 'rec.webm').mime).toBe('audio/webm');
  });

  it('refuses what it cannot handle', () => {
    expect(() => detectUploadType(new Uint8Array(), 'text/plain', 'a.txt')).toThrow(/empty/);
    expect(() => detectUploadType(makePng(), 'image/png', 'a.png')).toThrow(/cannot read this kind of file/);
    expect(() => detectUploadType(utf8('{"a":1}'), 'application/json', 'a.json')).toThrow(/cannot read this kind of file/);
    expect(() => detectUploadType(utf8('a\u0000b'), 'text/plain', 'a.txt')).toThrow(/cannot read this kind of file/);
    expect(() => detectUploadType(makeWav(), 'application/pdf', 'a.pdf')).toThrow(/named like a PDF but is not one/);
  });
});
