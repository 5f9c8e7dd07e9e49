import { and, eq, sql } from 'drizzle-orm';
import { AiError, AllProvidersFailedError } from '@/lib/ai/errors';
import type { AiUsageRow } from '@/lib/ai/router';
import { documents, documentSteps, type DocumentStepName, type StoredActionItem } from '@/lib/db/schema';
import { getDbHandle } from '@/lib/db/client';
import { withTenant } from '@/lib/db/tenant';
import { observePipelineStep } from '@/lib/metrics';
import type { DbKind, Tx } from '@/lib/db/types';
import { publishEvent } from '@/lib/realtime/outbox';
import { runWithPipelineKey } from '@/lib/workers/pipeline-pool';
import { getAiSettings, type AiSettings } from '../ai-settings';
import { runInAiScope } from '../ai';
import type { PipelineJob } from '../jobs';

// A failure that retrying cannot fix (a corrupt file, empty text): the run fails at once instead of retrying.
export class PipelineError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PipelineError';
    this.retryable = options.retryable ?? false;
  }
}

export function isRetryable(err: unknown): boolean {
  // The router wraps every failure as retryable; with a single provider in the chain, that provider's own
  // verdict is the one that counts (AssemblyAI rejecting unusable audio fails the same way every time).
  if (err instanceof AllProvidersFailedError && err.attempts.length === 1 && err.cause instanceof AiError) return err.cause.retryable;
  if (err instanceof PipelineError || err instanceof AiError) return err.retryable;
  return true;
}

// The function id, as metrics name the pipeline.
export const PIPELINE = 'process-document';

export type StopReason = 'deleted' | 'cancelled' | 'superseded' | 'claimed_elsewhere' | 'not_processing' | 'needs_transcription_provider';

export type StepOutcome<T> = { state: 'stopped'; reason: StopReason } | { state: 'skipped' } | ({ state: 'done' } & T);

// The text itself (megabytes, for a large document) is read only by the steps that need it (loadDocumentText).
export type LoadedDocument = Pick<
  typeof documents.$inferSelect,
  'id' | 'tenantId' | 'title' | 'kind' | 'mime' | 'filename' | 'blobKey' | 'status' | 'generation' | 'runId' | 'createdAt'
> & { hasText: boolean };

// One small write (a statement or two) of a step's results. runStep packs them into short transactions (see
// writeBatches): writing thousands of rows in one transaction would hold embedded PGlite's only connection, and so
// every other tenant's requests, for its whole duration. Each batch must be safe to run again.
export type WriteBatch = (tx: Tx) => Promise<void>;

// What a step's work produced. `batches` run first, packed into short transactions; `write` runs in the closing
// transaction with the step's bookkeeping. Both come after the document was re-checked, so results of a run that
// was cancelled or superseded meanwhile are dropped.
export type StepWork<T> =
  | {
      kind: 'done';
      provider?: string | null;
      model?: string | null;
      result: T;
      batches?: readonly WriteBatch[];
      write?: (tx: Tx) => Promise<void>;
      complete?: boolean;
    }
  | { kind: 'needs_provider'; message: string };

type Begin = { kind: 'stop'; reason: StopReason } | { kind: 'skip' } | { kind: 'go'; doc: LoadedDocument; settings: AiSettings };

const loadColumns = {
  id: documents.id,
  tenantId: documents.tenantId,
  title: documents.title,
  kind: documents.kind,
  mime: documents.mime,
  filename: documents.filename,
  blobKey: documents.blobKey,
  status: documents.status,
  generation: documents.generation,
  runId: documents.runId,
  createdAt: documents.createdAt,
  hasText: sql<boolean>`(${documents.text} is not null)`,
};

// The row lock serialises a step's bookkeeping with cancel, retry and delete of the same document.
async function lockDocument(tx: Tx, id: string): Promise<LoadedDocument | undefined> {
  const [row] = await tx.select(loadColumns).from(documents).where(eq(documents.id, id)).for('update');
  return row;
}

function stopReason(doc: LoadedDocument | undefined, job: PipelineJob): StopReason | undefined {
  if (!doc) return 'deleted';
  if (doc.generation !== job.generation) return 'superseded';
  if (doc.status === 'cancelled') return 'cancelled';
  if (doc.status !== 'processing') return 'not_processing';
  return undefined;
}

// Live status for the documents list (GET /api/v1/events), written in the same transaction as the change.
async function announce(tx: Tx, documentId: string, status: string, currentStep: string | null): Promise<void> {
  await publishEvent(tx, { type: 'document.status_changed', payload: { id: documentId, status, currentStep }, permission: 'documents:read' });
}

// First step of every run: takes the queued generation for this run. A second delivery of the same event (or a
// stale run) finds it taken and stops; the same run re-executing after a crash keeps it.
export async function claimDocument(job: PipelineJob, runId: string): Promise<{ claimed: true } | { claimed: false; reason: StopReason }> {
  return withTenant(job.tenantId, async (tx) => {
    const doc = await lockDocument(tx, job.documentId);
    if (!doc) return { claimed: false, reason: 'deleted' };
    if (doc.generation !== job.generation) return { claimed: false, reason: 'superseded' };
    if (doc.status === 'cancelled') return { claimed: false, reason: 'cancelled' };
    const mine = doc.status === 'processing' && doc.runId === runId;
    if (doc.status !== 'queued' && !mine) return { claimed: false, reason: doc.status === 'processing' ? 'claimed_elsewhere' : 'not_processing' };
    await tx
      .update(documents)
      .set({ status: 'processing', runId, error: null, updatedAt: new Date() })
      .where(eq(documents.id, job.documentId));
    await announce(tx, job.documentId, 'processing', null);
    return { claimed: true };
  });
}

const stepKey = (job: PipelineJob, step: DocumentStepName) =>
  and(eq(documentSteps.documentId, job.documentId), eq(documentSteps.step, step));

function sumCost(usage: AiUsageRow[]): number {
  return usage.reduce((total, row) => total + row.costMicros, 0);
}

// Latency and cost add up over every attempt and batch of a step: they are what the step really took.
function spent(latencyMs: number, usage: AiUsageRow[]) {
  return {
    latencyMs: sql`coalesce(${documentSteps.latencyMs}, 0) + ${latencyMs}`,
    costMicros: sql`${documentSteps.costMicros} + ${sumCost(usage)}`,
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// One pipeline step: skip if already done (a retry resumes after the last completed step), do the work outside
// any transaction (AI calls record usage in their own), then persist result and bookkeeping together.
export async function runStep<T extends object>(
  job: PipelineJob,
  step: DocumentStepName,
  work: (doc: LoadedDocument, settings: AiSettings) => Promise<StepWork<T>>,
): Promise<StepOutcome<T>> {
  const started = Date.now();
  const begin = await withTenant(job.tenantId, async (tx): Promise<Begin> => {
    const doc = await lockDocument(tx, job.documentId);
    const stop = stopReason(doc, job);
    if (stop || !doc) return { kind: 'stop', reason: stop ?? 'deleted' };
    const [existing] = await tx
      .select({ status: documentSteps.status, finishedAt: documentSteps.finishedAt })
      .from(documentSteps)
      .where(stepKey(job, step));
    if (existing?.status === 'done') return { kind: 'skip' };
    // The next batch of a step that finished its previous batch cleanly (embed) is not a new attempt.
    const continuing = existing?.status === 'running' && existing.finishedAt !== null;
    const now = new Date();
    await tx
      .insert(documentSteps)
      .values({ tenantId: job.tenantId, documentId: job.documentId, step, status: 'running', attempts: 1, startedAt: now })
      .onConflictDoUpdate({
        target: [documentSteps.tenantId, documentSteps.documentId, documentSteps.step],
        set: {
          status: 'running',
          attempts: continuing ? documentSteps.attempts : sql`${documentSteps.attempts} + 1`,
          error: null,
          finishedAt: null,
          updatedAt: now,
        },
      });
    await tx.update(documents).set({ currentStep: step, updatedAt: now }).where(eq(documents.id, job.documentId));
    const settings = await getAiSettings(tx);
    await announce(tx, job.documentId, 'processing', step);
    return { kind: 'go', doc, settings };
  });
  if (begin.kind === 'stop') return { state: 'stopped', reason: begin.reason };
  if (begin.kind === 'skip') {
    observePipelineStep({ pipeline: PIPELINE, step, outcome: 'skipped', durationMs: Date.now() - started });
    return { state: 'skipped' };
  }

  const usage: AiUsageRow[] = [];
  let outcome: StepWork<T>;
  try {
    // CPU-bound work goes to the worker pool queued under the tenant, so tenants take turns there.
    outcome = await runWithPipelineKey(job.tenantId, () => runInAiScope(begin.settings, usage, () => work(begin.doc, begin.settings)));
  } catch (err) {
    await recordFailure(job, step, describe(err), Date.now() - started, sumCost(usage));
    observePipelineStep({ pipeline: PIPELINE, step, outcome: isRetryable(err) ? 'retried' : 'failed', durationMs: Date.now() - started });
    throw err;
  }
  observePipelineStep({ pipeline: PIPELINE, step, outcome: 'succeeded', durationMs: Date.now() - started });
  if (outcome.kind === 'done' && outcome.batches) await writeBatches(job, outcome.batches);

  return withTenant(job.tenantId, async (tx): Promise<StepOutcome<T>> => {
    const doc = await lockDocument(tx, job.documentId);
    const stop = stopReason(doc, job);
    const now = new Date();
    const latencyMs = Date.now() - started;
    if (stop === 'cancelled') {
      await tx
        .update(documentSteps)
        .set({ status: 'failed', error: 'Cancelled while this step ran; its result was discarded', ...spent(latencyMs, usage), finishedAt: now, updatedAt: now })
        .where(stepKey(job, step));
    }
    if (stop) return { state: 'stopped', reason: stop };
    if (outcome.kind === 'needs_provider') {
      await tx
        .update(documentSteps)
        .set({ status: 'needs_provider', error: outcome.message, ...spent(latencyMs, usage), finishedAt: now, updatedAt: now })
        .where(stepKey(job, step));
      await tx
        .update(documents)
        .set({ status: 'needs_transcription_provider', error: outcome.message, updatedAt: now })
        .where(eq(documents.id, job.documentId));
      await announce(tx, job.documentId, 'needs_transcription_provider', step);
      return { state: 'stopped', reason: 'needs_transcription_provider' };
    }
    if (outcome.write) await outcome.write(tx);
    const complete = outcome.complete ?? true;
    await tx
      .update(documentSteps)
      .set({
        status: complete ? 'done' : 'running',
        ...(outcome.provider === undefined ? {} : { provider: outcome.provider }),
        ...(outcome.model === undefined ? {} : { model: outcome.model }),
        ...spent(latencyMs, usage),
        error: null,
        finishedAt: now,
        updatedAt: now,
      })
      .where(stepKey(job, step));
    await tx.update(documents).set({ updatedAt: now }).where(eq(documents.id, job.documentId));
    return { state: 'done', ...outcome.result };
  });
}

// How long one transaction of a step's batched writes may run before it commits and lets others in. On embedded
// PGlite a statement runs on the thread that serves HTTP and holds the only connection, so this bounds how long a
// request waits behind the pipeline (plus the one statement that crosses the budget). A server database runs
// statements elsewhere and has a pool of connections: there the budget only keeps a step from holding one of
// them (and its row locks) for long, and a larger one saves round trips.
export const WRITE_SLICE_MS: Record<DbKind, number> = { pglite: 15, postgres: 100, neon: 100 };

// Runs the batches in consecutive transactions of about WRITE_SLICE_MS each, re-checking the document at the start
// of each; a stop (cancelled, superseded, deleted) ends the loop, and the closing transaction then reports it.
// Between transactions a timer lets the event loop poll for I/O, so requests that arrived meanwhile reach the
// database before the next slice.
async function writeBatches(job: PipelineJob, batches: readonly WriteBatch[]): Promise<void> {
  const budget = WRITE_SLICE_MS[(await getDbHandle()).kind];
  let next = 0;
  while (next < batches.length) {
    const stopped = await withTenant(job.tenantId, async (tx) => {
      const stop = stopReason(await lockDocument(tx, job.documentId), job);
      if (stop) return true;
      const started = performance.now();
      do {
        const batch = batches[next++];
        if (batch) await batch(tx);
      } while (next < batches.length && performance.now() - started < budget);
      return false;
    });
    if (stopped) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
}

// The document's text, or its first `maxChars` characters, read in a transaction of its own.
export async function loadDocumentText(job: PipelineJob, maxChars?: number): Promise<string | null> {
  const text = maxChars === undefined ? documents.text : sql<string | null>`substring(${documents.text} from 1 for ${maxChars})`;
  const [row] = await withTenant(job.tenantId, (tx) => tx.select({ text }).from(documents).where(eq(documents.id, job.documentId)));
  return row?.text ?? null;
}

async function recordFailure(job: PipelineJob, step: DocumentStepName, message: string, latencyMs: number, costMicros: number) {
  await withTenant(job.tenantId, async (tx) => {
    const doc = await lockDocument(tx, job.documentId);
    // A newer generation owns the step rows now; a deleted document has none.
    if (!doc || doc.generation !== job.generation) return;
    const now = new Date();
    await tx
      .update(documentSteps)
      .set({
        status: 'failed',
        error: message,
        latencyMs: sql`coalesce(${documentSteps.latencyMs}, 0) + ${latencyMs}`,
        costMicros: sql`${documentSteps.costMicros} + ${costMicros}`,
        finishedAt: now,
        updatedAt: now,
      })
      .where(stepKey(job, step));
    // The document stays `processing` while Inngest retries; onFailure marks it failed after the last attempt.
    await tx.update(documents).set({ error: `${step}: ${message}`, updatedAt: now }).where(eq(documents.id, job.documentId));
  });
}

// Last step: publish the results. Returns the action items for the `document/processed` event.
export type FinalizeOutcome = { state: 'done'; actionItems: StoredActionItem[] } | { state: 'stopped'; reason: StopReason };

export async function finalizeDocument(job: PipelineJob): Promise<FinalizeOutcome> {
  return withTenant(job.tenantId, async (tx): Promise<FinalizeOutcome> => {
    const doc = await lockDocument(tx, job.documentId);
    const stop = stopReason(doc, job);
    if (stop) return { state: 'stopped', reason: stop };
    const now = new Date();
    const [row] = await tx
      .update(documents)
      .set({ status: 'processed', currentStep: null, error: null, processedAt: now, updatedAt: now })
      .where(eq(documents.id, job.documentId))
      .returning({ actionItems: documents.actionItems });
    await announce(tx, job.documentId, 'processed', null);
    return { state: 'done', actionItems: row?.actionItems ?? [] };
  });
}

// onFailure: the run gave up. Only the generation that failed is marked, and never one the user cancelled.
export async function markDocumentFailed(job: PipelineJob, message: string): Promise<boolean> {
  return withTenant(job.tenantId, async (tx) => {
    const failed = await tx
      .update(documents)
      // Keep the failing step's own message ("embed: ...") when it recorded one.
      .set({ status: 'failed', error: sql`coalesce(${documents.error}, ${message})`, updatedAt: new Date() })
      .where(and(eq(documents.id, job.documentId), eq(documents.generation, job.generation), eq(documents.status, 'processing')))
      .returning({ id: documents.id });
    if (failed.length === 0) return false;
    await announce(tx, job.documentId, 'failed', null);
    return true;
  });
}
