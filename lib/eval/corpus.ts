import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ruleSchema } from '@/lib/ai/types';
import { renderPdf } from './pdf';

// The labelled corpus (corpus/corpus.json + corpus/documents/). A `*.pdf.txt` file is the text of a PDF: the eval
// renders it to a real PDF and uploads that, so the pipeline's PDF extraction (and its line wraps) is part of what
// is measured.

export const CORPUS_DIR = path.resolve(import.meta.dirname, '..', '..', 'corpus');

const splitSchema = z.enum(['dev', 'heldout']);
export type Split = z.infer<typeof splitSchema>;

// A fact is one string, or alternatives any of which counts ("30 April 2024" or "2024-04-30").
const factSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
export type Fact = z.infer<typeof factSchema>;

export const labelledActionSchema = z.strictObject({
  title: z.string().min(1),
  owner: z.string().min(1).optional(),
  due: z.iso.date().optional(),
});
export type LabelledAction = z.infer<typeof labelledActionSchema>;

const documentSchema = z.strictObject({
  file: z.string().min(1),
  split: splitSchema,
  title: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  category: z.string().min(1),
  verified: z.boolean(),
  why: z.string().optional(),
  actionItems: z.array(labelledActionSchema),
});
export type CorpusDocument = z.infer<typeof documentSchema>;

const questionSchema = z.strictObject({
  question: z.string().min(1),
  split: splitSchema,
  relevant: z.array(z.string().min(1)).min(1),
  facts: z.array(factSchema).min(1),
});
export type CorpusQuestion = z.infer<typeof questionSchema>;

export const corpusSchema = z.object({
  description: z.string(),
  rules: z.array(ruleSchema),
  documents: z.array(documentSchema).min(1),
  questions: z.array(questionSchema).min(1),
});
export type Corpus = z.infer<typeof corpusSchema>;

export interface CorpusFile {
  // What an upload would carry.
  filename: string;
  mime: string;
  bytes: Uint8Array;
  // The source text (for PDFs, before rendering).
  source: string;
}

export interface LoadedCorpus {
  corpus: Corpus;
  files: Map<string, CorpusFile>;
}

function toFile(file: string, source: string): CorpusFile {
  if (file.endsWith('.pdf.txt')) {
    return { filename: file.replace(/\.txt$/, ''), mime: 'application/pdf', bytes: renderPdf(source), source };
  }
  const filename = file.replace(/\.csv\.txt$/, '.csv');
  return { filename, mime: filename.endsWith('.md') ? 'text/markdown' : 'text/plain', bytes: new TextEncoder().encode(source), source };
}

export async function loadCorpus(dir = CORPUS_DIR): Promise<LoadedCorpus> {
  const corpus = corpusSchema.parse(JSON.parse(await readFile(path.join(dir, 'corpus.json'), 'utf8')));
  const files = new Map<string, CorpusFile>();
  for (const doc of corpus.documents) files.set(doc.file, toFile(doc.file, await readFile(path.join(dir, 'documents', doc.file), 'utf8')));
  for (const q of corpus.questions) {
    for (const file of q.relevant) if (!files.has(file)) throw new Error(`corpus.json: question "${q.question}" names unknown ${file}`);
  }
  return { corpus, files };
}
