import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { documents } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { logger } from '@/lib/log';
import { sendPipelineJobs } from './enqueue';
import type { PipelineJob } from './jobs';

export interface RequeueOptions {
  // Queued documents untouched for this long are re-sent (their event may have been lost). Re-sending one whose
  // event did arrive is harmless: the event id is the same, and a second run finds the document claimed.
  queuedOlderThanMs?: number;
  // Processing documents untouched for this long get a new generation: their run is presumed dead, and if it is
  // not, it stops at its next step.
  processingOlderThanMs?: number;
  limit?: number;
  now?: Date;
}

const HOUR_MS = 3_600_000;

// Call at startup (and, if wanted, periodically). Crosses tenants only through reflex_stuck_documents(), which
// returns ids; each document is then re-queued in its own tenant transaction.
export async function requeueStuckDocuments(options: RequeueOptions = {}): Promise<{ requeued: number; sent: number }> {
  const now = options.now ?? new Date();
  const queuedBefore = new Date(now.getTime() - (options.queuedOlderThanMs ?? 0));
  const processingBefore = new Date(now.getTime() - (options.processingOlderThanMs ?? HOUR_MS));
  const stuck = await queryRows<{ tenant_id: string; document_id: string }>(
    await getDb(),
    sql`select tenant_id, document_id from reflex_stuck_documents(${queuedBefore.toISOString()}::timestamptz, ${processingBefore.toISOString()}::timestamptz, ${options.limit ?? 1000})`,
  );
  const jobs: PipelineJob[] = [];
  for (const { tenant_id: tenantId, document_id: documentId } of stuck) {
    const job = await withTenant(tenantId, async (tx) => {
      const [row] = await tx
        .update(documents)
        .set({
          generation: sql`case when ${documents.status} = 'processing' then ${documents.generation} + 1 else ${documents.generation} end`,
          status: 'queued',
          runId: sql`case when ${documents.status} = 'processing' then null else ${documents.runId} end`,
          updatedAt: now,
        })
        // Re-checked here: the document may have moved on since the lookup.
        .where(
          and(
            eq(documents.id, documentId),
            inArray(documents.status, ['queued', 'processing']),
            sql`(${documents.status} = 'queued' and ${documents.updatedAt} <= ${queuedBefore.toISOString()}::timestamptz
              or ${documents.status} = 'processing' and ${documents.updatedAt} <= ${processingBefore.toISOString()}::timestamptz)`,
          ),
        )
        .returning({ generation: documents.generation });
      return row ? { tenantId, documentId, generation: row.generation } : undefined;
    });
    if (job) jobs.push(job);
  }
  const sent = await sendPipelineJobs(jobs);
  if (jobs.length > 0) logger.info('re-queued documents', { requeued: jobs.length, sent });
  return { requeued: jobs.length, sent };
}

