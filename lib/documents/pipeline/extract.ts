import type { ExtractFailure, ExtractResult } from '@/lib/workers/pipeline-protocol';
import { cleanText } from '../clean-text';

// Runs inside the pipeline worker (lib/workers/pipeline-worker.ts): no database, no PipelineError, only data in
// and data out. Limits are checked as early as the file allows: the page count before any page is read, the
// text size page by page, so a file over a limit costs a fraction of what reading it whole would.

export interface ExtractLimits {
  maxPages: number;
  maxChars: number;
}

const fail = (failure: ExtractFailure): ExtractResult => ({ ok: false, failure });

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// How unpdf's extractText({ mergePages: true }) joins and tidies page texts, so the stored text is unchanged.
function mergePages(texts: string[]): string {
  return texts
    .join('\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}

// unpdf bundles a serverless build of PDF.js: no worker of its own, no canvas. PDF.js takes ownership of
// (detaches) the buffer it is given.
export async function extractPdfText(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const { getDocumentProxy } = await import('unpdf');
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(bytes);
  } catch (err) {
    return fail({ code: 'unreadable_pdf', reason: reasonOf(err) });
  }
  try {
    if (pdf.numPages > limits.maxPages) return fail({ code: 'too_many_pages', pages: pdf.numPages, limit: limits.maxPages });
    const texts: string[] = [];
    let chars = 0;
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      const text = content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('');
      page.cleanup();
      chars += text.length + 1;
      if (chars > limits.maxChars) return fail({ code: 'too_much_text', chars, limit: limits.maxChars });
      texts.push(text);
    }
    return { ok: true, text: cleanText(mergePages(texts)), pages: pdf.numPages };
  } catch (err) {
    return fail({ code: 'unreadable_pdf', reason: reasonOf(err) });
  } finally {
    await pdf.destroy();
  }
}

export function extractPlainText(bytes: Uint8Array, limits: ExtractLimits): ExtractResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail({ code: 'not_utf8' });
  }
  if (text.length > limits.maxChars) return fail({ code: 'too_much_text', chars: text.length, limit: limits.maxChars });
  return { ok: true, text: cleanText(text), pages: null };
}

export function extractText(kind: 'pdf' | 'text', bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  return kind === 'pdf' ? extractPdfText(bytes, limits) : Promise.resolve(extractPlainText(bytes, limits));
}
