import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import { AiError, NoEligibleProviderError, TranscriptionUnavailableError } from '@/lib/ai/errors';
import { documentReferenceDate } from '@/lib/ai/nlp/dates';
import type { AiInput, AiOperation } from '@/lib/ai/types';
import { documentChunks, documents } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { getTenantBlob } from '@/lib/storage';
import { getPipelinePool, runPipelineTask, type PipelineTaskOptions } from '@/lib/workers/pipeline-pool';
import type { PipelineTask, PipelineTaskType } from '@/lib/workers/pipeline-protocol';
import { WorkerTaskError } from '@/lib/workers/pool';
import { categoriesFor } from '../ai-settings';
import { getDocumentAi } from '../ai';
import { chunksFromSpans } from '../chunk';
import { cleanText } from '../clean-text';
import type { PipelineJob } from '../jobs';
import { extractionLimitsFor } from '../limits';
import { readTenantPlan, type Plan } from '../scheduling';
import { derivedTitle } from '../title';
import { extractFailureMessage, tooMuchTextMessage, workerFailureMessage, type DocumentNoun } from './limit-messages';
import { PipelineError, isRetryable, loadDocumentText, runStep, type LoadedDocument, type StepOutcome, type WriteBatch } from './state';


// Texts per embedding call, and calls per step: a step stays short, and a long document spreads over steps.
export const EMBED_BATCH = 128;
export const EMBED_BATCHES_PER_STEP = 4;
// Language steps see at most this much text; hosted providers cut further to their own context size.
const MAX_AI_TEXT = 500_000;
// Chunk rows per INSERT statement: on embedded PGlite a row costs about a millisecond (full-text vector, GIN and
// btree entries), so a statement stays near 10 ms; runStep packs statements into short transactions.
const CHUNK_ROWS_PER_STATEMENT = 8;

function aiContext(job: PipelineJob, step: string) {
  return { tenantId: job.tenantId, documentId: job.documentId, idempotencyKey: `${job.documentId}:${step}` };
}

// The text the language steps see (its first MAX_AI_TEXT characters), read when the step runs.
async function requireText(job: PipelineJob): Promise<string> {
  const text = await loadDocumentText(job, MAX_AI_TEXT);
  if (text === null) throw new PipelineError('The document has no extracted text yet', { retryable: true });
  return text;
}

// A computation the pipeline worker had to stop (its memory or time limit) fails the document with that reason:
// the same input would fail the same way again.
async function runAi<Op extends AiOperation>(job: PipelineJob, op: Op, input: AiInput<Op>, step: string) {
  try {
    return await getDocumentAi().router.run(op, input, aiContext(job, step));
  } catch (err) {
    const limit = resourceLimitOf(err);
    if (limit && !isRetryable(err)) throw new PipelineError(limit.message, { cause: err });
    throw err;
  }
}

function resourceLimitOf(err: unknown): AiError | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (e instanceof AiError && e.code === 'resource_limit') return e;
  return undefined;
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

async function textLength(job: PipelineJob): Promise<number> {
  const [row] = await withTenant(job.tenantId, (tx) =>
    tx.select({ chars: sql<number>`coalesce(char_length(${documents.text}), 0)::int` }).from(documents).where(eq(documents.id, job.documentId)),
  );
  return row?.chars ?? 0;
}

function nounOf(doc: LoadedDocument): DocumentNoun {
  if (doc.kind === 'pdf') return 'PDF';
  if (doc.kind === 'audio') return 'transcript';
  return doc.blobKey ? 'file' : 'text';
}

// CPU-bound work goes to the pipeline worker. A task the worker had to be stopped on (memory, time, a crash)
// fails the document with that reason, not retried: the same input would end the same way. Only a pool shutting
// down (or a caller's abort) is left to the retry policy.
async function inWorker<K extends PipelineTaskType>(activity: string, task: Extract<PipelineTask, { type: K }>, options: PipelineTaskOptions = {}) {
  try {
    return await runPipelineTask(task, options);
  } catch (err) {
    if (!(err instanceof WorkerTaskError) || err.reason === 'closed' || err.reason === 'aborted') throw err;
    throw new PipelineError(workerFailureMessage(err.reason, err.message, activity, getPipelinePool().settings), { cause: err });
  }
}

// PDF and text files are read in the pipeline worker, within the plan's page and character limits.
async function extractInWorker(doc: LoadedDocument, kind: 'pdf' | 'text', bytes: Uint8Array, plan: Plan): Promise<string> {
  const limits = extractionLimitsFor(plan);
  // A copy with its own buffer, handed over to the worker: the stored bytes may share a pooled buffer.
  const own = new Uint8Array(bytes);
  const result = await inWorker(
    `Reading this ${nounOf(doc)}`,
    { type: 'extract', kind, bytes: own, maxPages: limits.pages, maxChars: limits.chars },
    { transfer: [own.buffer] },
  );
  if (!result.ok) throw new PipelineError(extractFailureMessage(result.failure, nounOf(doc), plan));
  return result.text;
}

export function extractStep(job: PipelineJob): Promise<StepOutcome<{ chars: number }>> {
  return runStep(job, 'extract', async (doc) => {
    const plan = await readTenantPlan(job.tenantId);
    const maxChars = extractionLimitsFor(plan).chars;
    // Pasted text was stored at upload: only its size is checked, by the database.
    if (doc.hasText) {
      const chars = await textLength(job);
      if (chars > maxChars) throw new PipelineError(tooMuchTextMessage(nounOf(doc), chars, maxChars, plan, true));
      return { kind: 'done', provider: null, model: null, result: { chars } };
    }
    const bytes = await loadOriginal(doc);
    let text: string;
    let provider: string | null = null;
    let model: string | null = null;
    if (doc.kind === 'pdf') {
      text = await extractInWorker(doc, 'pdf', bytes, plan);
      provider = 'unpdf';
      if (text.trim() === '') throw new PipelineError('The PDF has no text layer (a scanned image?); OCR is not supported');
    } else if (doc.kind === 'audio') {
      const result = await transcribe(job, doc, bytes);
      if ('unavailable' in result) return { kind: 'needs_provider', message: result.unavailable };
      text = cleanText(result.output.text);
      provider = result.provider;
      model = result.model;
      if (text.trim() === '') throw new PipelineError('The transcript is empty: the recording has no recognisable speech');
      if (text.length > maxChars) throw new PipelineError(tooMuchTextMessage('transcript', text.length, maxChars, plan, true));
    } else {
      text = await extractInWorker(doc, 'text', bytes, plan);
      if (text.trim() === '') throw new PipelineError('The file contains only whitespace');
    }
    return {
      kind: 'done',
      provider,
      model,
      result: { chars: text.length },
      write: async (tx) => {
        const title = derivedTitle(doc, text);
        await tx.update(documents).set({ text, ...(title ? { title } : {}) }).where(eq(documents.id, job.documentId));
      },
    };
  });
}

export function chunkStep(job: PipelineJob): Promise<StepOutcome<{ chunks: number }>> {
  return runStep(job, 'chunk', async () => {
    const text = await loadDocumentText(job);
    if (text === null) throw new PipelineError('The document has no extracted text yet', { retryable: true });
    const { spans } = await inWorker('Splitting this text into passages', { type: 'chunk', text });
    const chunks = chunksFromSpans(text, spans);
    // Replace rather than append: a step retried after a partial write must not duplicate chunks. The delete
    // comes first, so a step that runs again (a crash between batches) starts over from an empty set.
    const batches: WriteBatch[] = [
      async (tx) => {
        await tx.delete(documentChunks).where(eq(documentChunks.documentId, job.documentId));
      },
    ];
    for (let i = 0; i < chunks.length; i += CHUNK_ROWS_PER_STATEMENT) {
      const rows = chunks.slice(i, i + CHUNK_ROWS_PER_STATEMENT).map((c) => ({
        tenantId: job.tenantId,
        documentId: job.documentId,
        ord: c.ord,
        text: c.text,
        charStart: c.start,
        charEnd: c.end,
      }));
      batches.push(async (tx) => {
        await tx.insert(documentChunks).values(rows);
      });
    }
    return { kind: 'done', provider: null, model: null, result: { chunks: chunks.length }, batches };
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
      const result = await runAi(job, 'embed', { texts: batch.map((c) => c.text) }, `embed:${batch[0]?.id ?? i}`);
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
      // One row per statement: on embedded PGlite each vector's HNSW insert costs around 10 ms. Setting a vector
      // again is harmless, and progress lives in the rows, so a step cut short re-embeds only what is left.
      batches: vectors.map((v) => async (tx) => {
        await tx
          .update(documentChunks)
          .set({ embedding: v.embedding, embeddingModel: v.model })
          .where(and(eq(documentChunks.id, v.id), eq(documentChunks.documentId, job.documentId)));
      }),
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
  return runStep(job, 'classify', async (_doc, settings) => {
    const result = await runAi(job, 'classify', { text: await requireText(job), categories: categoriesFor(settings) }, 'classify');
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
  return runStep(job, 'verify', async (_doc, settings) => {
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
    const result = await runAi(job, 'verify', { text: await requireText(job), rules: settings.rules }, 'verify');
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
    const text = await requireText(job);
    const summary = await runAi(job, 'summarize', { text }, 'summarize');
    const referenceDate = documentReferenceDate(text, doc.createdAt);
    const actions = await runAi(job, 'extract-actions', { text, referenceDate }, 'extract-actions');
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
