import { requeueStuckDocuments } from '@/lib/documents/requeue';
import { logger } from '@/lib/log';
import { prestartPipelinePool } from '@/lib/workers/pipeline-pool';
import { startLocalRunner } from './local';

// At server start, after the database is ready (instrumentation.ts). Loading this module loads inngest/client.ts,
// which registers the event transport that lib/events/send.ts delivers through.
export async function startPipelines(): Promise<void> {
  // With Inngest too: its steps call into this process's worker pool.
  prestartPipelinePool();
  // Resumes runs a previous process left unfinished; returns null when Inngest serves the pipelines.
  await startLocalRunner();
  // Documents whose upload committed but whose pipeline event was lost (a crash in between) start again.
  const requeued = await requeueStuckDocuments();
  if (requeued.requeued > 0) logger.info('requeued unfinished documents', requeued);
}
