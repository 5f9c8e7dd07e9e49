import { and, eq, sql } from 'drizzle-orm';
import { privacyExports } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { deleteTenantBlob, getTenantBlob, putTenantBlob, tenantBlobKey } from '@/lib/storage';
import { EXPORT_CONTENT_TYPE } from './export';
import { readSectionLines, sectionsFor, type ExportScope, type ExportSection } from './export-sections';

// The build steps of inngest/functions/privacy/build-export.ts. Each section is written to its own blob, so step
// results stay small (counts and names) and a crashed run resumes after the sections already stored.

export interface ExportPlan {
  scope: ExportScope;
  userId: string;
  sections: ExportSection[];
}

export const partKey = (tenantId: string, exportId: string, section: string) => tenantBlobKey(tenantId, `privacy-exports/${exportId}/${section}.ndjson`);
const archiveKey = (tenantId: string, exportId: string) => tenantBlobKey(tenantId, `privacy-exports/${exportId}/export.ndjson`);
const encoder = new TextEncoder();

// null when the export is gone (its tenant or requester was erased) or already finished.
export async function startExport(tenantId: string, exportId: string): Promise<ExportPlan | null> {
  return withTenant(tenantId, async (tx) => {
    const [row] = await tx
      .update(privacyExports)
      .set({ status: 'building', updatedAt: new Date() })
      .where(and(eq(privacyExports.id, exportId), sql`${privacyExports.status} in ('queued', 'building')`))
      .returning();
    if (!row) return null;
    return { scope: row.scope, userId: row.requestedBy, sections: [...sectionsFor(row.scope)] };
  });
}

export async function writeExportSection(tenantId: string, exportId: string, plan: ExportPlan, index: number): Promise<{ section: string; count: number }> {
  const section = plan.sections[index];
  if (section === undefined) throw new Error(`export section ${index} does not exist`);
  const { lines, count } = await withTenant(tenantId, (tx) => readSectionLines(tx, section, { scope: plan.scope, userId: plan.userId }));
  await putTenantBlob(tenantId, partKey(tenantId, exportId, section), encoder.encode(lines.map((l) => `${l}\n`).join('')), EXPORT_CONTENT_TYPE);
  // Conditional on the previous section count, so a retried step never counts its rows twice.
  await withTenant(tenantId, (tx) =>
    tx
      .update(privacyExports)
      .set({ sectionsDone: index + 1, itemCount: sql`${privacyExports.itemCount} + ${count}`, updatedAt: new Date() })
      .where(and(eq(privacyExports.id, exportId), eq(privacyExports.sectionsDone, index))),
  );
  return { section, count };
}

// One archive: a header line, then every section's lines in order. The parts are removed once it is stored.
export async function assembleExport(tenantId: string, exportId: string, plan: ExportPlan): Promise<{ sizeBytes: number }> {
  const header = JSON.stringify({
    section: 'export',
    data: { id: exportId, tenantId, scope: plan.scope, userId: plan.userId, sections: plan.sections, generatedAt: new Date().toISOString() },
  });
  const chunks: Uint8Array[] = [encoder.encode(`${header}\n`)];
  for (const section of plan.sections) {
    const part = await getTenantBlob(tenantId, partKey(tenantId, exportId, section));
    if (!part) throw new Error(`export part ${section} is missing`);
    chunks.push(part);
  }
  const bytes = new Uint8Array(await new Blob(chunks.map((c) => Buffer.from(c))).arrayBuffer());
  const key = archiveKey(tenantId, exportId);
  await putTenantBlob(tenantId, key, bytes, EXPORT_CONTENT_TYPE);
  await withTenant(tenantId, (tx) =>
    tx
      .update(privacyExports)
      .set({ status: 'ready', blobKey: key, sizeBytes: bytes.byteLength, completedAt: new Date(), updatedAt: new Date() })
      .where(eq(privacyExports.id, exportId)),
  );
  for (const section of plan.sections) await deleteTenantBlob(tenantId, partKey(tenantId, exportId, section));
  return { sizeBytes: bytes.byteLength };
}

export async function markExportFailed(tenantId: string, exportId: string, message: string): Promise<void> {
  await withTenant(tenantId, (tx) =>
    tx
      .update(privacyExports)
      .set({ status: 'failed', error: message.slice(0, 500), updatedAt: new Date() })
      .where(and(eq(privacyExports.id, exportId), sql`${privacyExports.status} <> 'ready'`)),
  );
}
