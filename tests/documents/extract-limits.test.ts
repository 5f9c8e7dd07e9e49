import { describe, expect, it } from 'vitest';
import { chunkSpans, chunkText, chunksFromSpans } from '@/lib/documents/chunk';
import { extractPdfText, extractPlainText } from '@/lib/documents/pipeline/extract';
import { tooManyPagesMessage, tooMuchTextMessage } from '@/lib/documents/pipeline/limit-messages';
import { longText, makeDeeplyCorruptPdf, makeManyPagePdf, makeMultiPagePdf } from '../fixtures/documents/files';

// The extraction functions the pipeline worker runs, called directly: limits and results, no worker involved.
const roomy = { maxPages: 1_000, maxChars: 1_000_000 };

describe('extractPdfText', () => {
  it('joins the pages of a PDF in order', async () => {
    const result = await extractPdfText(makeMultiPagePdf([['First page'], ['Second page']]), roomy);
    expect(result).toEqual({ ok: true, text: 'First page\nSecond page', pages: 2 });
  });

  it('refuses a PDF over the page limit from its page count', async () => {
    const result = await extractPdfText(makeManyPagePdf(501), { ...roomy, maxPages: 500 });
    expect(result).toEqual({ ok: false, failure: { code: 'too_many_pages', pages: 501, limit: 500 } });
  });

  it('stops at the first page that takes the text over the character limit', async () => {
    const page = Array.from({ length: 10 }, () => 'x'.repeat(50));
    const result = await extractPdfText(makeMultiPagePdf([page, page, page]), { ...roomy, maxChars: 600 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toMatchObject({ code: 'too_much_text', limit: 600 });
    expect(result.failure.code === 'too_much_text' && result.failure.chars).toBeLessThan(1_100);
  });

  it('reports an unreadable file instead of throwing', async () => {
    const result = await extractPdfText(makeDeeplyCorruptPdf(), roomy);
    expect(result).toMatchObject({ ok: false, failure: { code: 'unreadable_pdf' } });
  });
});

describe('extractPlainText', () => {
  it('decodes UTF-8, drops NUL characters and applies the character limit', () => {
    expect(extractPlainText(new TextEncoder().encode('a\u0000b'), roomy)).toEqual({ ok: true, text: 'ab', pages: null });
    expect(extractPlainText(new TextEncoder().encode('abcdef'), { ...roomy, maxChars: 5 })).toEqual({
      ok: false,
      failure: { code: 'too_much_text', chars: 6, limit: 5 },
    });
    expect(extractPlainText(new Uint8Array([0xff, 0xfe, 0x00]), roomy)).toEqual({ ok: false, failure: { code: 'not_utf8' } });
  });
});

describe('limit messages', () => {
  it('name the count, the limit and the plan in human units, and offer an upgrade only below enterprise', () => {
    expect(tooManyPagesMessage(2_400, 500, 'standard')).toBe('This PDF has 2,400 pages; the Standard plan processes up to 500. Split it or upgrade.');
    expect(tooMuchTextMessage('text', 45_000_001, 40_000_000, 'enterprise', true)).toBe(
      'This text has 45,000,001 characters of text; the Enterprise plan processes up to 40,000,000 per document. Split it into smaller files.',
    );
  });
});

describe('chunk spans', () => {
  it('rebuild exactly the chunks chunkText makes', () => {
    const text = longText(40);
    expect(chunksFromSpans(text, chunkSpans(text))).toEqual(chunkText(text));
  });
});
