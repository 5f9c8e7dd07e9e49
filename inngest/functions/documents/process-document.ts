import { NonRetriableError } from 'inngest';
import { inngest } from '@/inngest/client';
import { documentProcessed, documentUploaded } from '@/lib/events/documents';
import type { PipelineJob } from '@/lib/documents/jobs';
import { PIPELINE, claimDocument, finalizeDocument, isRetryable, markDocumentFailed, type StopReason } from '@/lib/documents/pipeline/state';
import { chunkStep, classifyStep, embedStep, extractStep, summarizeStep, verifyStep } from '@/lib/documents/pipeline/steps';
import { buildPipelineConcurrency, buildPriorityExpression } from '@/lib/documents/scheduling';
import { getEnv } from '@/lib/env';
import { raiseTenantAlert } from '@/lib/alerts/raise';
import { logger } from '@/lib/log';
import { observePipelineRun } from '@/lib/metrics';
import { reportError } from '@/lib/observability/error-reporting';

export const PROCESS_DOCUMENT_RETRIES = 3;
// Each embed step handles up to 512 chunks; this bounds a runaway loop, not any real document.
const MAX_EMBED_STEPS = 500;

// Steps decide retryability: a corrupt file fails the run at once, a provider outage is retried by Inngest.
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isRetryable(err)) throw err;
    throw new NonRetriableError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

// Run metrics count outcomes a person acted on or waits for; a duplicate delivery or superseded run is not one.
function stopped(documentId: string, reason: StopReason, queuedAt: number) {
  if (reason === 'cancelled' || reason === 'deleted') {
    observePipelineRun({ pipeline: PIPELINE, outcome: 'cancelled', durationMs: Date.now() - queuedAt });
  }
  return { documentId, stopped: reason };
}

// extract → chunk → embed → classify + tag → verify → summarize + action items → publish. Every step checks the
// document's own state first (lib/documents/pipeline/state.ts), so a retry skips the steps already done and a
// cancelled, deleted or superseded document stops at the next step. Step results are ids and counts only.
export const processDocument = inngest.createFunction(
  {
    id: PIPELINE,
    name: 'Process a document',
    triggers: [documentUploaded],
    retries: PROCESS_DOCUMENT_RETRIES,
    // Per tenant by plan (so one tenant's bulk upload cannot starve the others) and across all tenants; under load
    // the plan's priority decides which queued document starts next.
    concurrency: buildPipelineConcurrency(getEnv().PIPELINE_GLOBAL_CONCURRENCY),
    priority: { run: buildPriorityExpression() },
    onFailure: async ({ event, error, step }) => {
      const parsed = documentUploaded.schema.safeParse(event.data.event.data);
      if (!parsed.success) {
        logger.error('process-document failed for an unreadable event', { error: error.message });
        return;
      }
      const failed = await step.run('mark-failed', () => markDocumentFailed(parsed.data, error.message));
      if (failed) {
        // The tenant's admins hear about it on Slack (if they set a webhook); ids only, no document content.
        await step.run('alert-failed', () =>
          raiseTenantAlert(
            {
              tenantId: parsed.data.tenantId,
              key: `document-failed:${parsed.data.documentId}:${parsed.data.generation}`,
              title: 'A document failed to process',
              text: `Document ${parsed.data.documentId} failed: ${error.message.slice(0, 500)}. Retry it from the documents page.`,
              severity: 'warning',
            },
            { id: `document-failed-${parsed.data.documentId}-${parsed.data.generation}` },
          ),
        );
      }
      observePipelineRun({ pipeline: PIPELINE, outcome: 'failed', durationMs: Date.now() - (event.data.event.ts ?? Date.now()) });
      // Error tracking (Sentry, when configured) hears about runs that failed for good, not every retried attempt.
      reportError(error, { pipeline: PIPELINE });
    },
  },
  async ({ event, step, runId }) => {
    const queuedAt = event.ts ?? Date.now();
    const job: PipelineJob = {
      tenantId: event.data.tenantId,
      documentId: event.data.documentId,
      generation: event.data.generation,
    };
    const claim = await step.run('claim', () => claimDocument(job, runId));
    if (!claim.claimed) return stopped(job.documentId, claim.reason, queuedAt);

    const extracted = await step.run('extract', () => guard(() => extractStep(job)));
    if (extracted.state === 'stopped') return stopped(job.documentId, extracted.reason, queuedAt);

    const chunked = await step.run('chunk', () => guard(() => chunkStep(job)));
    if (chunked.state === 'stopped') return stopped(job.documentId, chunked.reason, queuedAt);

    for (let i = 0; i < MAX_EMBED_STEPS; i++) {
      const embedded = await step.run('embed', () => guard(() => embedStep(job)));
      if (embedded.state === 'stopped') return stopped(job.documentId, embedded.reason, queuedAt);
      if (embedded.state === 'skipped' || embedded.remaining === 0) break;
    }

    const classified = await step.run('classify', () => guard(() => classifyStep(job)));
    if (classified.state === 'stopped') return stopped(job.documentId, classified.reason, queuedAt);

    const verified = await step.run('verify', () => guard(() => verifyStep(job)));
    if (verified.state === 'stopped') return stopped(job.documentId, verified.reason, queuedAt);

    const summarized = await step.run('summarize', () => guard(() => summarizeStep(job)));
    if (summarized.state === 'stopped') return stopped(job.documentId, summarized.reason, queuedAt);

    const finalized = await step.run('finalize', () => finalizeDocument(job));
    if (finalized.state === 'stopped') return stopped(job.documentId, finalized.reason, queuedAt);

    await step.sendEvent(
      'publish',
      documentProcessed.create(
        { tenantId: job.tenantId, documentId: job.documentId, actionItems: finalized.actionItems },
        { id: `document-processed-${job.documentId}-${job.generation}` },
      ),
    );
    observePipelineRun({ pipeline: PIPELINE, outcome: 'succeeded', durationMs: Date.now() - queuedAt });
    return { documentId: job.documentId, processed: true, actionItems: finalized.actionItems.length };
  },
);
