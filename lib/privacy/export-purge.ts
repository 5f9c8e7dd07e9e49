import { and, asc, eq, isNotNull, lte, sql } from 'drizzle-orm';
import { recordAuditEvent } from '@/lib/audit/record';
import { getDb } from '@/lib/db/client';
import { privacyExports } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { deleteTenantBlob } from '@/lib/storage';
import { partKey } from './export-build';
import { sectionsFor, type ExportScope } from './export-sections';

// Exports whose archive is deleted per round: blobs are deleted between two short tenant transactions, so a crash
// leaves at most one batch to redo.
export const EXPORT_PURGE_BATCH = 100;

interface PurgeCandidate {
  id: string;
  scope: ExportScope;
  blobKey: string;
}

// The archive the row points at, and the section parts a build that crashed after storing it may have left behind.
function blobsOf(tenantId: string, candidate: PurgeCandidate): string[] {
  return [candidate.blobKey, ...sectionsFor(candidate.scope).map((section) => partKey(tenantId, candidate.id, section))];
}

async function findExpiredWithBlob(tenantId: string, now: Date, batch: number): Promise<PurgeCandidate[]> {
  const rows = await withTenant(tenantId, (tx) =>
    tx
      .select({ id: privacyExports.id, scope: privacyExports.scope, blobKey: privacyExports.blobKey })
      .from(privacyExports)
      .where(and(eq(privacyExports.tenantId, tenantId), lte(privacyExports.expiresAt, now), isNotNull(privacyExports.blobKey)))
      .orderBy(asc(privacyExports.expiresAt), asc(privacyExports.id))
      .limit(batch),
  );
  return rows.flatMap((r) => (r.blobKey === null ? [] : [{ id: r.id, scope: r.scope, blobKey: r.blobKey }]));
}

// The tenants holding at least one export that expired at or before `now` and still has its archive stored, read
// across tenants through the named definer lookup (drizzle/0020_privacy_custom.sql), which returns ids only.
export async function tenantsWithExpiredExports(now: Date): Promise<string[]> {
  const rows = await queryRows<{ tenant_id: string }>(
    await getDb(),
    sql`select tenant_id from reflex_expired_export_tenants(${now.toISOString()}::timestamptz)`,
  );
  return rows.map((r) => r.tenant_id);
}

/**
 * Deletes the stored archive of every export of this tenant that expired at or before `now`, then forgets its
 * blob key (the row stays, so the export still reads as expired and its download answers 410). Returns how many
 * archives were purged.
 *
 * Blobs first, row second: the row's blob_key is the only record of what to delete, so it is cleared only once the
 * blobs are gone. A crash in between leaves the key in place and the next run deletes again (deleting a missing
 * blob is not an error) and then clears it, so re-running always finishes the job and never strands a blob.
 */
export async function purgeExpiredExports(tenantId: string, now: Date, batch = EXPORT_PURGE_BATCH): Promise<number> {
  let purged = 0;
  for (;;) {
    const candidates = await findExpiredWithBlob(tenantId, now, batch);
    if (candidates.length === 0) return purged;
    for (const candidate of candidates) {
      for (const key of blobsOf(tenantId, candidate)) await deleteTenantBlob(tenantId, key);
    }
    const cleared = await withTenant(tenantId, async (tx) => {
      // Only rows still pointing at the blobs just deleted: a concurrent run that cleared one first counts it.
      const done: string[] = [];
      for (const candidate of candidates) {
        const rows = await tx
          .update(privacyExports)
          .set({ blobKey: null, updatedAt: new Date() })
          .where(and(eq(privacyExports.id, candidate.id), eq(privacyExports.blobKey, candidate.blobKey)))
          .returning({ id: privacyExports.id });
        done.push(...rows.map((r) => r.id));
      }
      if (done.length > 0) {
        await recordAuditEvent(tx, {
          action: 'privacy.exports_purged',
          actor: { type: 'system', id: 'export-purge' },
          target: { type: 'tenant', id: tenantId },
          metadata: { count: done.length, exportIds: done, expiredBy: now.toISOString() },
        });
      }
      return done;
    });
    purged += cleared.length;
    if (candidates.length < batch) return purged;
  }
}

