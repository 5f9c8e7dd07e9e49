import { and, desc, eq, isNotNull, lt, sql } from 'drizzle-orm';
import { googleDriveFiles, googleDriveStates, type DriveFolderRef, type DriveInitialCursor, type DriveSyncPhase } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';

export type DriveState = typeof googleDriveStates.$inferSelect;
export type DriveFileRow = typeof googleDriveFiles.$inferSelect;

export async function readDriveState(tx: Tx, connectionId: string): Promise<DriveState | null> {
  const [row] = await tx.select().from(googleDriveStates).where(eq(googleDriveStates.connectionId, connectionId)).limit(1);
  return row ?? null;
}

// The row a connection's sync keeps its place in; created the first time folders are picked.
export async function ensureDriveState(tx: Tx, tenantId: string, connectionId: string): Promise<DriveState> {
  await tx.insert(googleDriveStates).values({ tenantId, connectionId }).onConflictDoNothing({ target: googleDriveStates.connectionId });
  const state = await readDriveState(tx, connectionId);
  if (!state) throw new Error('google_drive_states row missing after insert');
  return state;
}

export interface DriveStatePatch {
  folders?: DriveFolderRef[];
  knownFolderIds?: string[];
  phase?: DriveSyncPhase;
  initialCursor?: DriveInitialCursor | null;
  changesPageToken?: string | null;
  itemsDone?: number;
  itemsTotal?: number;
  itemsSkipped?: number;
  syncStartedAt?: Date | null;
  lastSyncAt?: Date | null;
  lastError?: string | null;
  channelId?: string | null;
  channelTokenHash?: string | null;
  channelResourceId?: string | null;
  channelExpiresAt?: Date | null;
}

export async function updateDriveState(tx: Tx, connectionId: string, patch: DriveStatePatch): Promise<void> {
  await tx
    .update(googleDriveStates)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(googleDriveStates.connectionId, connectionId));
}

export async function bumpDriveProgress(tx: Tx, connectionId: string, by: { done?: number; skipped?: number }): Promise<void> {
  await tx
    .update(googleDriveStates)
    .set({
      itemsDone: sql`${googleDriveStates.itemsDone} + ${by.done ?? 0}`,
      itemsSkipped: sql`${googleDriveStates.itemsSkipped} + ${by.skipped ?? 0}`,
      updatedAt: new Date(),
    })
    .where(eq(googleDriveStates.connectionId, connectionId));
}

export async function readDriveFile(tx: Tx, connectionId: string, fileId: string): Promise<DriveFileRow | null> {
  const [row] = await tx
    .select()
    .from(googleDriveFiles)
    .where(and(eq(googleDriveFiles.connectionId, connectionId), eq(googleDriveFiles.fileId, fileId)))
    .limit(1);
  return row ?? null;
}

export interface DriveFileRecord {
  fileId: string;
  documentId: string | null;
  name: string;
  mimeType: string;
  version: string | null;
  md5Checksum: string | null;
  modifiedTime: string | null;
  skippedReason: string | null;
}

// Insert or update the file's row (one per Drive file and connection).
export async function saveDriveFile(tx: Tx, tenantId: string, connectionId: string, record: DriveFileRecord): Promise<void> {
  const now = new Date();
  await tx
    .insert(googleDriveFiles)
    .values({ tenantId, connectionId, ...record })
    .onConflictDoUpdate({
      target: [googleDriveFiles.tenantId, googleDriveFiles.connectionId, googleDriveFiles.fileId],
      set: { ...record, updatedAt: now },
    });
}

// Marks a file as seen by the running initial sync (see removeUnseenFiles).
export async function touchDriveFile(tx: Tx, connectionId: string, fileId: string): Promise<void> {
  await tx
    .update(googleDriveFiles)
    .set({ updatedAt: new Date() })
    .where(and(eq(googleDriveFiles.connectionId, connectionId), eq(googleDriveFiles.fileId, fileId)));
}

export async function deleteDriveFile(tx: Tx, connectionId: string, fileId: string): Promise<void> {
  await tx.delete(googleDriveFiles).where(and(eq(googleDriveFiles.connectionId, connectionId), eq(googleDriveFiles.fileId, fileId)));
}

// Files an initial sync did not come across (deleted while nothing listened, or in a folder no longer picked).
export async function listUnseenFiles(tx: Tx, connectionId: string, since: Date, limit: number): Promise<string[]> {
  const rows = await tx
    .select({ fileId: googleDriveFiles.fileId })
    .from(googleDriveFiles)
    .where(and(eq(googleDriveFiles.connectionId, connectionId), lt(googleDriveFiles.updatedAt, since)))
    .limit(limit);
  return rows.map((r) => r.fileId);
}

export async function listSkippedFiles(tx: Tx, connectionId: string, limit: number): Promise<{ name: string; reason: string; at: Date }[]> {
  const rows = await tx
    .select({ name: googleDriveFiles.name, reason: googleDriveFiles.skippedReason, at: googleDriveFiles.updatedAt })
    .from(googleDriveFiles)
    .where(and(eq(googleDriveFiles.connectionId, connectionId), isNotNull(googleDriveFiles.skippedReason)))
    .orderBy(desc(googleDriveFiles.updatedAt))
    .limit(limit);
  return rows.map((r) => ({ name: r.name, reason: r.reason ?? '', at: r.at }));
}

export async function countSyncedDocuments(tx: Tx, connectionId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(googleDriveFiles)
    .where(and(eq(googleDriveFiles.connectionId, connectionId), isNotNull(googleDriveFiles.documentId)));
  return row?.n ?? 0;
}
