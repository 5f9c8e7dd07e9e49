import { documentUploaded } from '@/lib/events/documents';
import { sendEvent } from '@/lib/events/send';
import { logger } from '@/lib/log';
import { pipelineEventId, type PipelineJob } from './jobs';
import { pickLane, readTenantPlan, type Plan } from './scheduling';

// Starts (or resumes) the pipeline for committed jobs, each with its tenant's plan as it is now (the plan decides
// priority and concurrency). A send that fails leaves the document `queued`, which requeueStuckDocuments() picks
// up; the caller's request still succeeds, because the upload itself is safe.
export async function sendPipelineJobs(jobs: readonly PipelineJob[]): Promise<number> {
  let sent = 0;
  const plans = new Map<string, Plan>();
  for (const job of jobs) {
    try {
      const plan = plans.get(job.tenantId) ?? (await readTenantPlan(job.tenantId));
      plans.set(job.tenantId, plan);
      await sendEvent(
        documentUploaded,
        { tenantId: job.tenantId, documentId: job.documentId, generation: job.generation, plan, lane: pickLane(job, plan) },
        { id: pipelineEventId(job) },
      );
      sent++;
    } catch (err) {
      logger.error('document/uploaded not sent; the document stays queued until the requeue sweep', {
        tenantId: job.tenantId,
        documentId: job.documentId,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return sent;
}
