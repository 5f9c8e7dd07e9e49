import { DEFAULT_CATEGORIES } from '@/lib/ai/classical/classify';
import { documentReferenceDate } from '@/lib/ai/nlp/dates';
import type { AiProvider, ActionItem, ClassifyInput } from '@/lib/ai/types';
import { extractionLimitsFor } from '@/lib/documents/limits';
import { extractPdfText } from '@/lib/documents/pipeline/extract';
import { derivedTitle, filenameTitle } from '@/lib/documents/title';
import type { CorpusDocument, LoadedCorpus } from './corpus';

// Document-level outputs of one provider, computed by calling its operations directly (no database, no runner):
// what the pipeline would store for each document. Used by the quality-gate test and `npm run eval -- --direct`.

export interface DocumentOutput {
  file: string;
  text: string;
  title: string;
  category: string;
  tags: string[];
  summary: string;
  actionItems: ActionItem[];
  // Time spent in the provider's language operations (classify, summarize, extract-actions), in ms.
  nlpMs: number;
}

// The day every corpus document is "uploaded": relative phrases must resolve from the document's own date instead.
export const EVAL_UPLOAD_DATE = new Date('2027-01-15T09:00:00Z');

const context = (file: string, op: string) => ({
  idempotencyKey: `eval:${file}:${op}`,
  signal: new AbortController().signal,
  timeoutMs: 60_000,
});

export async function documentText(loaded: LoadedCorpus, file: string): Promise<string> {
  const f = loaded.files.get(file);
  if (!f) throw new Error(`unknown corpus file ${file}`);
  if (f.mime !== 'application/pdf') return f.source;
  // The eval's tenant is on the enterprise plan (lib/eval/run.ts); corpus PDFs are far below any cap.
  const { pages, chars } = extractionLimitsFor('enterprise');
  // PDF.js takes ownership of (detaches) the buffer it is given: the corpus keeps its own bytes.
  const extracted = await extractPdfText(new Uint8Array(f.bytes), { maxPages: pages, maxChars: chars });
  if (!extracted.ok) throw new Error(`corpus PDF ${file} could not be extracted: ${extracted.failure.code}`);
  return extracted.text;
}

export async function extractDocument(
  provider: AiProvider,
  loaded: LoadedCorpus,
  doc: CorpusDocument,
  categories: ClassifyInput['categories'] = DEFAULT_CATEGORIES,
): Promise<DocumentOutput> {
  const text = await documentText(loaded, doc.file);
  const filename = loaded.files.get(doc.file)?.filename ?? doc.file;
  const title = derivedTitle({ title: filenameTitle(filename), filename }, text) ?? filenameTitle(filename);
  if (!provider.classify || !provider.summarize || !provider['extract-actions']) throw new Error(`${provider.name} lacks a language operation`);
  const started = performance.now();
  const classified = await provider.classify({ text, categories }, context(doc.file, 'classify'));
  const summary = await provider.summarize({ text }, context(doc.file, 'summarize'));
  const referenceDate = documentReferenceDate(text, EVAL_UPLOAD_DATE);
  const actions = await provider['extract-actions']({ text, referenceDate }, context(doc.file, 'extract-actions'));
  const nlpMs = performance.now() - started;
  return {
    file: doc.file,
    text,
    title,
    category: classified.output.category,
    tags: classified.output.tags,
    summary: summary.output.summary,
    actionItems: actions.output.items,
    nlpMs,
  };
}
