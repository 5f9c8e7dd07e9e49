import { and, asc, count, eq, isNull } from 'drizzle-orm';
import { NoEligibleProviderError, TranscriptionUnavailableError } from '@/lib/ai/errors';
import { documentReferenceDate } from '@/lib/ai/nlp/dates';
import { documentChunks, documents } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { getTenantBlob } from '@/lib/storage';
import { categoriesFor } from '../ai-settings';
import { getDocumentAi } from '../ai';
import { chunkText } from '../chunk';
import { cleanText } from '../ingest';
import type { PipelineJob } from '../jobs';
import { derivedTitle } from '../title';
import { decodeUtf8, extractPdfText } from './extract';
import { PipelineError, runStep, type LoadedDocument, type StepOutcome } from './state';

// Texts per embedding call, and calls per step: a step stays short, and a long document spreads over steps.
export const EMBED_BATCH = 128;
export const EMBED_BATCHES_PER_STEP = 4;
// Language steps see at most this much text; hosted providers cut further to their own context size.
const MAX_AI_TEXT = 500_000;
const INSERT_BATCH = 500;

function aiContext(job: PipelineJob, step: string) {
  return { tenantId: job.tenantId, documentId: job.documentId, idempotencyKey: `${job.documentId}:${step}` };
}

function requireText(doc: LoadedDocument): string {
  if (doc.text === null) throw new PipelineError('The document has no extracted text yet', { retryable: true });
  return doc.text.length > MAX_AI_TEXT ? doc.text.slice(0, MAX_AI_TEXT) : doc.text;
}

function joinNames(...names: string[]): string {
  return [...new Set(names)].join('+');
}

async function loadOriginal(doc: LoadedDocument): Promise<Uint8Array> {
  if (!doc.blobKey) throw new PipelineError('The document has neither text nor an uploaded file');
  const bytes = await getTenantBlob(doc.tenantId, doc.blobKey);
  if (!bytes) throw new PipelineError('The uploaded file is missing from storage; upload it again');
  return bytes;
}

async function transcribe(job: PipelineJob, doc: LoadedDocument, bytes: Uint8Array) {
  try {
    return await getDocumentAi().router.run(
      'transcribe',
      { audio: { bytes, mimeType: doc.mime, ...(doc.filename ? { filename: doc.filename } : {}) } },
      aiContext(job, 'extract'),
    );
  } catch (err) {
    // No speech-to-text in this deployment (or none allowed by the tenant's policy): a state to show and retry
    // once one is configured, not a failure.
    if (err instanceof TranscriptionUnavailableError || err instanceof NoEligibleProviderError) return { unavailable: err.message };
    throw err;
  }
}

export function extractStep(job: PipelineJob): Promise<StepOutcome<{ chars: number }>> {
  return runStep(job, 'extract', async (doc) => {
    // Pasted text was stored at upload.
    if (doc.text !== null) return { kind: 'done', provider: null, model: null, result: { chars: doc.text.length } };
    const bytes = await loadOriginal(doc);
    let text: string;
    let provider: string | null = null;
    let model: string | null = null;
    if (doc.kind === 'pdf') {
      text = await extractPdfText(bytes);
      provider = 'unpdf';
      if (text.trim() === '') throw new PipelineError('The PDF has no text layer (a scanned image?); OCR is not supported');
    } else if (doc.kind === 'audio') {
      const result = await transcribe(job, doc, bytes);
      if ('unavailable' in result) return { kind: 'needs_provider', message: result.unavailable };
      text = result.output.text;
      provider = result.provider;
      model = result.model;
      if (text.trim() === '') throw new PipelineError('The transcript is empty: the recording has no recognisable speech');
    } else {
      text = decodeUtf8(bytes);
      if (text.trim() === '') throw new PipelineError('The file contains only whitespace');
    }
    const clean = cleanText(text);
    return {
      kind: 'done',
      provider,
      model,
      result: { chars: clean.length },
      write: async (tx) => {
        const title = derivedTitle(doc, clean);
        await tx.update(documents).set({ text: clean, ...(title ? { title } : {}) }).where(eq(documents.id, job.documentId));
      },
    };
  });
}

export function chunkStep(job: PipelineJob): Promise<StepOutcome<{ chunks: number }>> {
  return runStep(job, 'chunk', async (doc) => {
    if (doc.text === null) throw new PipelineError('The document has no extracted text yet', { retryable: true });
    const chunks = chunkText(doc.text);
    return {
      kind: 'done',
      provider: null,
      model: null,
      result: { chunks: chunks.length },
      // Replace rather than append: a step retried after a partial write must not duplicate chunks.
      write: async (tx) => {
        await tx.delete(documentChunks).where(eq(documentChunks.documentId, job.documentId));
        for (let i = 0; i < chunks.length; i += INSERT_BATCH) {
          await tx.insert(documentChunks).values(
            chunks.slice(i, i + INSERT_BATCH).map((c) => ({
              tenantId: job.tenantId,
              documentId: job.documentId,
              ord: c.ord,
              text: c.text,
              charStart: c.start,
              charEnd: c.end,
            })),
          );
        }
      },
    };
  });
}

async function pendingChunks(job: PipelineJob) {
  return withTenant(job.tenantId, (tx) =>
    tx
      .select({ id: documentChunks.id, text: documentChunks.text })
      .from(documentChunks)
      .where(and(eq(documentChunks.documentId, job.documentId), isNull(documentChunks.embedding)))
      .orderBy(asc(documentChunks.ord))
      // One more than a step embeds: tells whether another step is needed.
      .limit(EMBED_BATCH * EMBED_BATCHES_PER_STEP + 1),
  );
}

// Embeds the chunks that have no vector yet, up to EMBED_BATCHES_PER_STEP calls; `remaining` > 0 asks the
// caller to run the step again. Progress is kept in the rows, so a retry never re-embeds a chunk.
export function embedStep(job: PipelineJob): Promise<StepOutcome<{ embedded: number; remaining: number }>> {
  return runStep(job, 'embed', async () => {
    const found = await pendingChunks(job);
    const pending = found.slice(0, EMBED_BATCH * EMBED_BATCHES_PER_STEP);
    const vectors: { id: string; embedding: number[]; model: string }[] = [];
    let provider: string | null = null;
    let model: string | null = null;
    for (let i = 0; i < pending.length; i += EMBED_BATCH) {
      const batch = pending.slice(i, i + EMBED_BATCH);
      const result = await getDocumentAi().router.run(
        'embed',
        { texts: batch.map((c) => c.text) },
        aiContext(job, `embed:${batch[0]?.id ?? i}`),
      );
      provider = result.provider;
      model = result.model;
      batch.forEach((c, j) => {
        const embedding = result.output.embeddings[j];
        if (embedding) vectors.push({ id: c.id, embedding, model: `${result.provider}/${result.model}` });
      });
    }
    return {
      kind: 'done',
      // A call that found nothing left to embed keeps the provider recorded by the earlier batches.
      provider: provider ?? undefined,
      model: model ?? undefined,
      result: { embedded: vectors.length, remaining: 0 },
      write: async (tx) => {
        for (const v of vectors) {
          await tx
            .update(documentChunks)
            .set({ embedding: v.embedding, embeddingModel: v.model })
            .where(and(eq(documentChunks.id, v.id), eq(documentChunks.documentId, job.documentId)));
        }
      },
      complete: found.length === pending.length,
    };
  }).then(async (outcome) => {
    if (outcome.state !== 'done') return outcome;
    const [left] = await withTenant(job.tenantId, (tx) =>
      tx
        .select({ n: count() })
        .from(documentChunks)
        .where(and(eq(documentChunks.documentId, job.documentId), isNull(documentChunks.embedding))),
    );
    return { ...outcome, remaining: left?.n ?? 0 };
  });
}

export function classifyStep(job: PipelineJob): Promise<StepOutcome<{ category: string; tags: number }>> {
  return runStep(job, 'classify', async (doc, settings) => {
    const result = await getDocumentAi().router.run(
      'classify',
      { text: requireText(doc), categories: categoriesFor(settings) },
      aiContext(job, 'classify'),
    );
    const { category, tags } = result.output;
    return {
      kind: 'done',
      provider: result.provider,
      model: result.model,
      result: { category, tags: tags.length },
      write: async (tx) => {
        await tx.update(documents).set({ category, tags }).where(eq(documents.id, job.documentId));
      },
    };
  });
}

export function verifyStep(job: PipelineJob): Promise<StepOutcome<{ passed: boolean }>> {
  return runStep(job, 'verify', async (doc, settings) => {
    if (settings.rules.length === 0) {
      const verification = { passed: true, confidence: 1, provider: 'none', results: [] };
      return {
        kind: 'done',
        provider: null,
        model: null,
        result: { passed: true },
        write: async (tx) => {
          await tx.update(documents).set({ verification }).where(eq(documents.id, job.documentId));
        },
      };
    }
    const result = await getDocumentAi().router.run('verify', { text: requireText(doc), rules: settings.rules }, aiContext(job, 'verify'));
    const verification = {
      passed: result.output.passed,
      confidence: result.output.confidence,
      provider: result.provider,
      results: result.output.results,
    };
    return {
      kind: 'done',
      provider: result.provider,
      model: result.model,
      result: { passed: result.output.passed },
      write: async (tx) => {
        await tx.update(documents).set({ verification }).where(eq(documents.id, job.documentId));
      },
    };
  });
}

export function summarizeStep(job: PipelineJob): Promise<StepOutcome<{ actionItems: number }>> {
  return runStep(job, 'summarize', async (doc) => {
    const text = requireText(doc);
    const { router } = getDocumentAi();
    const summary = await router.run('summarize', { text }, aiContext(job, 'summarize'));
    const referenceDate = documentReferenceDate(text, doc.createdAt);
    const actions = await router.run('extract-actions', { text, referenceDate }, aiContext(job, 'extract-actions'));
    const actionItems = actions.output.items;
    return {
      kind: 'done',
      provider: joinNames(summary.provider, actions.provider),
      model: joinNames(summary.model, actions.model),
      result: { actionItems: actionItems.length },
      write: async (tx) => {
        await tx.update(documents).set({ summary: summary.output.summary, actionItems }).where(eq(documents.id, job.documentId));
      },
    };
  });
}
