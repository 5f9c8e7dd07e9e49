import { and, asc, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAuditEvent } from '@/lib/audit/record';
import { getDb } from '@/lib/db/client';
import { documents, tenants } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { deleteDocument } from '@/lib/documents/documents';

const DAY_MS = 86_400_000;
// Documents deleted per tenant transaction: one run keeps going batch after batch, and a crash loses at most one.
export const RETENTION_BATCH = 200;

// tenants.settings.retentionDays: documents older than this many days are deleted daily; null or absent keeps
// everything forever.
export const retentionDaysSchema = z.number().int().min(1).max(36_500).nullable();

export async function setRetentionDays(tx: Tx, tenantId: string, days: number | null): Promise<void> {
  const value = retentionDaysSchema.parse(days);
  await tx
    .update(tenants)
    .set({ settings: sql`jsonb_set(${tenants.settings}, '{retentionDays}', ${JSON.stringify(value)}::jsonb)`, updatedAt: new Date() })
    .where(eq(tenants.id, tenantId));
}

export function retentionCutoff(retentionDays: number, now: Date): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

// One batch of the current tenant's documents created before the cutoff: rows (chunks, embeddings, steps and
// results cascade), then their files (deleteDocument), and one audit entry for the batch. Returns the ids deleted.
export async function purgeExpiredDocuments(tx: Tx, tenantId: string, retentionDays: number, now: Date, batch = RETENTION_BATCH): Promise<string[]> {
  const cutoff = retentionCutoff(retentionDays, now);
  const expired = await tx
    .select({ id: documents.id })
    .from(documents)
    .where(and(eq(documents.tenantId, tenantId), lt(documents.createdAt, cutoff)))
    .orderBy(asc(documents.createdAt), asc(documents.id))
    .limit(batch);
  const ids = expired.map((d) => d.id);
  if (ids.length === 0) return ids;
  for (const id of ids) await deleteDocument(tx, tenantId, id);
  await recordAuditEvent(tx, {
    action: 'retention.documents_deleted',
    actor: { type: 'system', id: 'retention' },
    target: { type: 'tenant', id: tenantId },
    metadata: { retentionDays, cutoff: cutoff.toISOString(), count: ids.length, documentIds: ids },
  });
  return ids;
}

export async function tenantsWithRetention(): Promise<{ tenantId: string; retentionDays: number }[]> {
  const rows = await queryRows<{ tenant_id: string; retention_days: number }>(
    await getDb(),
    sql`select tenant_id, retention_days from reflex_retention_tenants()`,
  );
  return rows.map((r) => ({ tenantId: r.tenant_id, retentionDays: Number(r.retention_days) }));
}

// Every expired document of one tenant, batch by batch, each in its own tenant transaction.
export async function applyTenantRetention(tenantId: string, retentionDays: number, now: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = await withTenant(tenantId, (tx) => purgeExpiredDocuments(tx, tenantId, retentionDays, now));
    total += ids.length;
    if (ids.length < RETENTION_BATCH) return total;
  }
}
