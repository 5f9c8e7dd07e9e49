import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { googleDriveFiles } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { withTenant } from '@/lib/db/tenant';
import { deleteDocument } from '@/lib/documents/documents';
import { AppError, notFound } from '@/lib/http/errors';
import { findConnectionRow } from '../store';
import { withAccessToken, type ConnectionRef } from '../connections';
import { requestSync } from '../sync';
import { DriveClient, assertDriveId } from './client';
import { ensureDriveState, listSkippedFiles, readDriveState, updateDriveState } from './state';

const MAX_FOLDERS = 50;
const SKIPPED_SHOWN = 20;

const folderSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'Not a Google Drive folder id'),
  name: z.string().trim().min(1).max(300),
});

export const driveConnectionParams = z.strictObject({ connectionId: z.uuid() });
export const driveFolderListQuery = z.strictObject({ cursor: z.string().max(2000).optional() });
export const driveFoldersBodySchema = z.strictObject({ folders: z.array(folderSchema).max(MAX_FOLDERS) }).meta({ id: 'GoogleDriveFolderSelection' });

export const driveFolderPageSchema = z
  .object({ items: z.array(z.object({ id: z.string(), name: z.string() })), nextCursor: z.string().nullable() })
  .meta({ id: 'GoogleDriveFolderPage' });

export const driveSyncViewSchema = z
  .object({
    folders: z.array(z.object({ id: z.string(), name: z.string() })),
    phase: z.enum(['idle', 'initial', 'changes']).describe('idle: nothing synced yet; initial: first full sync; changes: incremental'),
    running: z.boolean().describe('A sync is working through its pages right now'),
    itemsDone: z.number().int(),
    itemsTotal: z.number().int().describe('Found so far: grows while an initial sync lists the folders'),
    itemsSkipped: z.number().int(),
    syncStartedAt: z.string().nullable(),
    lastSyncAt: z.string().nullable(),
    lastError: z.string().nullable(),
    liveUpdates: z.boolean().describe('Google pushes change notifications (otherwise every 15 minutes)'),
    skipped: z.array(z.object({ name: z.string(), reason: z.string(), at: z.string() })),
  })
  .meta({ id: 'GoogleDriveSyncView' });
export type DriveSyncView = z.infer<typeof driveSyncViewSchema>;

// The connection must be this organization's Google Drive connection: any other id answers 404 (RLS hides other
// organizations' rows, and another provider's connection is as absent here).
export async function requireDriveConnection(tx: Tx, connectionId: string): Promise<void> {
  const row = await findConnectionRow(tx, connectionId);
  if (!row || row.provider !== 'google_drive') throw notFound('Connection');
}

export async function getDriveSyncView(tx: Tx, connectionId: string): Promise<DriveSyncView> {
  await requireDriveConnection(tx, connectionId);
  const state = await readDriveState(tx, connectionId);
  const skipped = state ? await listSkippedFiles(tx, connectionId, SKIPPED_SHOWN) : [];
  // A run that gave up leaves its counters where they were: with an error recorded, it is not running.
  const running = !!state && !state.lastError && (state.phase === 'initial' || (state.phase === 'changes' && state.itemsTotal > state.itemsDone));
  return {
    folders: state?.folders ?? [],
    phase: state?.phase ?? 'idle',
    running,
    itemsDone: state?.itemsDone ?? 0,
    itemsTotal: state?.itemsTotal ?? 0,
    itemsSkipped: state?.itemsSkipped ?? 0,
    syncStartedAt: state?.syncStartedAt?.toISOString() ?? null,
    lastSyncAt: state?.lastSyncAt?.toISOString() ?? null,
    lastError: state?.lastError ?? null,
    liveUpdates: !!state?.channelExpiresAt && state.channelExpiresAt.getTime() > Date.now(),
    skipped: skipped.map((s) => ({ ...s, at: s.at.toISOString() })),
  };
}

// The folder picker: the Drive folders the connected account can see, a page at a time. Called outside any
// transaction (a Google round trip).
export async function listDriveFolders(ref: ConnectionRef, cursor: string | undefined): Promise<z.infer<typeof driveFolderPageSchema>> {
  await withTenant(ref.tenantId, (tx) => requireDriveConnection(tx, ref.connectionId));
  const page = await withAccessToken(ref, (token) => new DriveClient(token).listFolders(cursor ?? null));
  return { items: page.folders.map((f) => ({ id: f.id, name: f.name })), nextCursor: page.nextPageToken };
}

// A person asked (Sync now, new folders): every request is its own run.
async function requestDriveSync(ref: ConnectionRef): Promise<void> {
  await requestSync({ ...ref, provider: 'google_drive', reason: 'manual', key: randomUUID() });
}

/**
 * Saves the picked folders (committed before the sync it starts reads them). A different set starts a full sync
 * again: it ingests what is new and, at its end, removes what is no longer under a picked folder.
 */
export async function pickDriveFolders(ref: ConnectionRef, folders: { id: string; name: string }[]): Promise<void> {
  const unique = [...new Map(folders.map((f) => [assertDriveId(f.id), f])).values()];
  const changed = await withTenant(ref.tenantId, async (tx) => {
    await requireDriveConnection(tx, ref.connectionId);
    const state = await ensureDriveState(tx, ref.tenantId, ref.connectionId);
    const before = state.folders.map((f) => f.id).sort().join(',');
    const after = unique.map((f) => f.id).sort().join(',');
    await updateDriveState(tx, ref.connectionId, { folders: unique, ...(before === after ? {} : { phase: 'idle', initialCursor: null, changesPageToken: null }) });
    return before !== after;
  });
  if (unique.length === 0) {
    await removeAllDriveDocuments(ref);
    return;
  }
  if (changed) await requestDriveSync(ref);
}

export async function syncDriveNow(ref: ConnectionRef): Promise<void> {
  const state = await withTenant(ref.tenantId, async (tx) => {
    await requireDriveConnection(tx, ref.connectionId);
    return readDriveState(tx, ref.connectionId);
  });
  if (!state || state.folders.length === 0) throw new AppError('conflict', 'Pick at least one folder to sync first.');
  await requestDriveSync(ref);
}

// No folder picked any more (or the connection's content is deleted with it): every document it brought goes.
export async function removeAllDriveDocuments(ref: ConnectionRef): Promise<number> {
  return withTenant(ref.tenantId, (tx) => deleteDriveContent(tx, ref.connectionId));
}

// Also the framework's disconnect cleanup (content: 'delete'), inside the caller's tenant transaction.
export async function deleteDriveContent(tx: Tx, connectionId: string): Promise<number> {
  const rows = await tx
    .delete(googleDriveFiles)
    .where(eq(googleDriveFiles.connectionId, connectionId))
    .returning({ tenantId: googleDriveFiles.tenantId, documentId: googleDriveFiles.documentId });
  let deleted = 0;
  for (const { tenantId, documentId } of rows) {
    if (!documentId) continue;
    try {
      await deleteDocument(tx, tenantId, documentId);
      deleted++;
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'not_found')) throw err;
    }
  }
  return deleted;
}
