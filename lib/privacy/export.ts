import { and, desc, eq, gt, or } from 'drizzle-orm';
import { z } from 'zod';
import { privacyExports, PRIVACY_EXPORT_SCOPES, PRIVACY_EXPORT_STATUSES } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { AppError, forbidden, notFound } from '@/lib/http/errors';
import { getTenantBlob } from '@/lib/storage';
import type { Permission } from '@/lib/auth/permissions';
import type { Access } from '@/lib/tenancy/access';
import { sectionsFor } from './export-sections';
import { privacyExportRequested } from '@/lib/events/privacy';
import { sendEvent } from '@/lib/events/send';

export const EXPORT_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const EXPORT_CONTENT_TYPE = 'application/x-ndjson';

export const createExportSchema = z.strictObject({
  scope: z.enum(PRIVACY_EXPORT_SCOPES).describe("'me': your own data (privacy:export); 'tenant': the whole organization (privacy:manage)"),
});
export type CreateExportInput = z.infer<typeof createExportSchema>;

export const privacyExportSchema = z
  .object({
    id: z.uuid(),
    scope: z.enum(PRIVACY_EXPORT_SCOPES),
    status: z.enum(PRIVACY_EXPORT_STATUSES),
    progress: z.object({
      percent: z.number().int().min(0).max(100),
      sectionsDone: z.number().int(),
      sectionsTotal: z.number().int(),
    }),
    items: z.number().int().describe('Rows written so far'),
    sizeBytes: z.number().int().nullable(),
    error: z.string().nullable(),
    createdAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime(),
    expired: z.boolean(),
    downloadUrl: z.string().nullable().describe('Set once ready and until it expires'),
  })
  .meta({ id: 'PrivacyExport' });
export type PrivacyExportView = z.infer<typeof privacyExportSchema>;

type ExportRow = typeof privacyExports.$inferSelect;

// Exports belong to a person: the API key's creator when an API key asks.
function requesterOf(access: Access): string {
  const userId = access.actor.userId;
  if (!userId) throw forbidden('A data export needs a person: use a session or an API key created by a member');
  return userId;
}

function toView(row: ExportRow, now: Date): PrivacyExportView {
  const expired = row.expiresAt.getTime() <= now.getTime();
  // The final assemble step counts as one more unit, so 100 means the archive is downloadable.
  const units = row.sectionsTotal + 1;
  const done = row.status === 'ready' ? units : Math.min(row.sectionsDone, row.sectionsTotal);
  return {
    id: row.id,
    scope: row.scope,
    status: row.status,
    progress: { percent: Math.floor((done * 100) / units), sectionsDone: Math.min(row.sectionsDone, row.sectionsTotal), sectionsTotal: row.sectionsTotal },
    items: row.itemCount,
    sizeBytes: row.sizeBytes,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt.toISOString(),
    expired,
    downloadUrl: row.status === 'ready' && !expired ? `/api/v1/privacy/exports/${row.id}/download` : null,
  };
}

// The permission an export of this scope needs, at creation and again on every read and download: a person's
// data leaves only for someone (or an API key) whose permissions say so today.
const EXPORT_PERMISSION: Record<CreateExportInput['scope'], Permission> = { me: 'privacy:export', tenant: 'privacy:manage' };

export async function createExport(tx: Tx, access: Access, input: CreateExportInput, now = new Date()): Promise<PrivacyExportView> {
  const needed = EXPORT_PERMISSION[input.scope];
  if (!access.permissions.has(needed)) {
    throw forbidden(input.scope === 'tenant' ? 'Exporting the whole organization needs privacy:manage' : 'Exporting your data needs privacy:export');
  }
  const requestedBy = requesterOf(access);
  const [row] = await tx
    .insert(privacyExports)
    .values({
      tenantId: access.tenantId,
      scope: input.scope,
      requestedBy,
      sectionsTotal: sectionsFor(input.scope).length,
      expiresAt: new Date(now.getTime() + EXPORT_TTL_MS),
    })
    .returning();
  if (!row) throw new Error('privacy export insert returned no row');
  return toView(row, now);
}

// Another person's export, or one the caller no longer holds the permission for, is 404: its existence is not
// disclosed. A tenant export is for privacy:manage holders only, its requester included.
async function findVisible(tx: Tx, access: Access, id: string): Promise<ExportRow> {
  const [row] = await tx.select().from(privacyExports).where(and(eq(privacyExports.id, id), eq(privacyExports.tenantId, access.tenantId)));
  const permitted = row !== undefined && access.permissions.has(EXPORT_PERMISSION[row.scope]);
  const visible = permitted && (row.scope === 'tenant' || row.requestedBy === access.actor.userId);
  if (!row || !visible) throw notFound('Export');
  return row;
}

export async function getExport(tx: Tx, access: Access, id: string, now = new Date()): Promise<PrivacyExportView> {
  return toView(await findVisible(tx, access, id), now);
}

// The caller's own personal exports and, for privacy:manage holders, the organization's; only those still
// downloadable or in progress (an archive lives 7 days), newest first. Exports are rare, so no paging.
export const EXPORT_LIST_LIMIT = 20;
export const privacyExportListSchema = z.object({ items: z.array(privacyExportSchema) }).meta({ id: 'PrivacyExportList' });

export async function listExports(tx: Tx, access: Access, now = new Date()): Promise<z.infer<typeof privacyExportListSchema>> {
  const userId = access.actor.userId;
  const mine = userId && access.permissions.has('privacy:export') ? and(eq(privacyExports.scope, 'me'), eq(privacyExports.requestedBy, userId)) : undefined;
  const organization = access.permissions.has('privacy:manage') ? eq(privacyExports.scope, 'tenant') : undefined;
  if (!mine && !organization) return { items: [] };
  const rows = await tx
    .select()
    .from(privacyExports)
    .where(and(eq(privacyExports.tenantId, access.tenantId), gt(privacyExports.expiresAt, now), or(mine, organization)))
    .orderBy(desc(privacyExports.createdAt), desc(privacyExports.id))
    .limit(EXPORT_LIST_LIMIT);
  return { items: rows.map((row) => toView(row, now)) };
}

export async function readExportFile(tx: Tx, access: Access, id: string, now = new Date()): Promise<{ bytes: Uint8Array; filename: string }> {
  const row = await findVisible(tx, access, id);
  if (row.expiresAt.getTime() <= now.getTime()) throw new AppError('gone', 'This export has expired; request a new one');
  if (row.status !== 'ready' || !row.blobKey) throw new AppError('conflict', `The export is not ready (status: ${row.status})`);
  const bytes = await getTenantBlob(access.tenantId, row.blobKey);
  if (!bytes) throw new AppError('gone', 'The export file is no longer stored; request a new one');
  return { bytes, filename: `reflex-export-${row.scope}-${row.id}.ndjson` };
}

// After the export row committed (lib/privacy/after-commit.ts), never inside the transaction.
export async function sendExportRequested(tenantId: string, exportId: string): Promise<void> {
  await sendEvent(privacyExportRequested, { tenantId, exportId }, { id: `privacy-export-${exportId}` });
}
