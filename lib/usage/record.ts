import { sql } from 'drizzle-orm';
import { aiUsageRowSchema, type AiUsageRow } from '@/lib/ai/router';
import { aiUsage, documents } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { observeAiCall } from '@/lib/metrics';

// One usage row (and its metrics) through a tenant transaction the caller already holds: for AI calls made
// inside a request's transaction (embedded PGlite has one connection, so a second transaction would wait forever).
export async function insertAiUsage(tx: Tx, row: AiUsageRow): Promise<void> {
  const r = aiUsageRowSchema.parse(row);
  await tx.insert(aiUsage).values({
    tenantId: r.tenantId,
    // A document deleted while its pipeline ran keeps its bill: the row is kept without the reference.
    documentId: r.documentId === null ? null : sql`(select ${documents.id} from ${documents} where ${documents.id} = ${r.documentId})`,
    operation: r.operation,
    provider: r.provider,
    model: r.model,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    audioSeconds: r.audioSeconds,
    costMicros: r.costMicros,
    latencyMs: r.latencyMs,
    escalated: r.escalated,
    outcome: r.outcome,
    error: r.error ?? null,
  });
  observeAiCall(r);
}

// The router's recordUsage callback outside any transaction (pipeline steps): its own tenant transaction.
export async function recordAiUsage(row: AiUsageRow): Promise<void> {
  await withTenant(row.tenantId, (tx) => insertAiUsage(tx, row));
}
