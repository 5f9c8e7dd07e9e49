import { createHash, randomUUID } from 'node:crypto';
import { withTenant } from '@/lib/db/tenant';
import { deleteDocument } from '@/lib/documents/documents';
import { sendPipelineJobs } from '@/lib/documents/enqueue';
import { createExternalDocument, replaceDocumentContent, textChecksum, type ExternalDocumentInput } from '@/lib/documents/ingest';
import type { PipelineJob } from '@/lib/documents/jobs';
import { uploadLimitFor } from '@/lib/documents/limits';
import { detectUploadType } from '@/lib/documents/sniff';
import type { Plan } from '@/lib/documents/scheduling';
import { AppError } from '@/lib/http/errors';
import { logger } from '@/lib/log';
import { deleteTenantBlob, putTenantBlob, tenantBlobKey } from '@/lib/storage';
import { formatBytes } from '@/lib/ui/format';
import { DriveApiError, type DriveClient, type DriveFile } from './client';
import { bumpDriveProgress, deleteDriveFile, readDriveFile, saveDriveFile, touchDriveFile, type DriveFileRow } from './state';

export interface DriveSyncContext {
  tenantId: string;
  connectionId: string;
  plan: Plan;
  client: DriveClient;
}

export type FileOutcome = 'ingested' | 'updated' | 'unchanged' | 'skipped' | 'removed' | 'ignored';

const GOOGLE_DOC = 'application/vnd.google-apps.document';
const GOOGLE_SHEET = 'application/vnd.google-apps.spreadsheet';
const TEXT_TYPES = new Set(['text/plain', 'text/markdown', 'text/csv']);

type Fetched = { kind: 'text'; text: string; mime: string } | { kind: 'file'; bytes: Uint8Array; mime: string };

// What Reflex takes of each kind of Drive file: Docs as plain text, Sheets as CSV, PDFs, audio and text files as
// they are. Anything else is skipped with the reason shown on the settings card.
function howToFetch(file: DriveFile): { export?: string; download?: true } | { skip: string } {
  if (file.mimeType === GOOGLE_DOC) return { export: 'text/plain' };
  if (file.mimeType === GOOGLE_SHEET) return { export: 'text/csv' };
  if (file.mimeType.startsWith('application/vnd.google-apps.')) return { skip: 'Only Google Docs and Sheets are imported from Google’s own file types.' };
  if (file.mimeType === 'application/pdf' || file.mimeType.startsWith('audio/') || TEXT_TYPES.has(file.mimeType)) return { download: true };
  return { skip: 'This kind of file is not imported: Reflex reads Google Docs, Sheets, PDFs, text files and audio.' };
}

function unchanged(row: DriveFileRow | null, file: DriveFile): boolean {
  return !!row && row.version === file.version && row.md5Checksum === file.md5Checksum && row.modifiedTime === file.modifiedTime;
}

function tooLarge(size: number, plan: Plan): string {
  return `Larger (${formatBytes(size)}) than the ${formatBytes(uploadLimitFor(plan))} a file may be on the ${plan} plan.`;
}

async function fetchContent(ctx: DriveSyncContext, file: DriveFile, how: { export?: string }): Promise<Fetched> {
  if (how.export) {
    const bytes = await ctx.client.export(file.id, how.export);
    return { kind: 'text', text: new TextDecoder('utf-8').decode(bytes), mime: how.export };
  }
  const bytes = await ctx.client.download(file.id);
  if (TEXT_TYPES.has(file.mimeType)) return { kind: 'text', text: new TextDecoder('utf-8').decode(bytes), mime: file.mimeType };
  return { kind: 'file', bytes, mime: file.mimeType };
}

function filenameOf(file: DriveFile, fetched: Fetched): string {
  if (file.mimeType === GOOGLE_DOC) return `${file.name}.txt`;
  if (file.mimeType === GOOGLE_SHEET) return `${file.name}.csv`;
  return fetched.kind === 'text' && !/\.[a-z0-9]+$/i.test(file.name) ? `${file.name}.txt` : file.name;
}

// Stores the file's bytes (PDF, audio) under the document id before the transaction that records it.
async function toDocumentInput(ctx: DriveSyncContext, documentId: string, file: DriveFile, fetched: Fetched): Promise<ExternalDocumentInput> {
  const filename = filenameOf(file, fetched);
  if (fetched.kind === 'text') {
    const bytes = new TextEncoder().encode(fetched.text);
    const markdown = file.mimeType === 'text/markdown' || /\.(md|markdown)$/i.test(file.name);
    return {
      id: documentId,
      title: file.name,
      kind: markdown ? 'markdown' : 'text',
      mime: fetched.mime,
      filename,
      sizeBytes: bytes.byteLength,
      checksum: textChecksum(fetched.text),
      text: fetched.text,
      blobKey: null,
    };
  }
  const detected = detectUploadType(fetched.bytes, fetched.mime, filename);
  const checksum = createHash('sha256').update(fetched.bytes).digest('hex');
  const blobKey = tenantBlobKey(ctx.tenantId, `documents/${documentId}/drive-${checksum.slice(0, 16)}`);
  await putTenantBlob(ctx.tenantId, blobKey, fetched.bytes, detected.mime);
  return { id: documentId, title: file.name, kind: detected.kind, mime: detected.mime, filename, sizeBytes: fetched.bytes.byteLength, checksum, text: null, blobKey };
}

function record(file: DriveFile, documentId: string | null, skippedReason: string | null) {
  return { fileId: file.id, documentId, name: file.name, mimeType: file.mimeType, version: file.version, md5Checksum: file.md5Checksum, modifiedTime: file.modifiedTime, skippedReason };
}

async function recordSkip(ctx: DriveSyncContext, file: DriveFile, documentId: string | null, reason: string): Promise<FileOutcome> {
  await withTenant(ctx.tenantId, async (tx) => {
    await saveDriveFile(tx, ctx.tenantId, ctx.connectionId, record(file, documentId, reason));
    await bumpDriveProgress(tx, ctx.connectionId, { skipped: 1 });
  });
  return 'skipped';
}

// A refusal of the document itself (quota, same content as another document, a PDF that is not one) is a reason to
// skip this file, not to fail the sync.
function skipReason(err: unknown): string | null {
  if (!(err instanceof AppError)) return null;
  if (err.code === 'conflict' || err.code === 'quota_exceeded' || err.code === 'validation_failed' || err.code === 'unsupported_media_type') return err.message;
  return null;
}

/**
 * Brings one Drive file into Reflex: new → a document; changed (version, md5 or modified time) → the document's
 * content replaced; unchanged → nothing (a sync that restarts mid-way passes over what it did). The mapping row is
 * written in the same transaction as the document, so a crash never leaves one without the other.
 */
export async function syncDriveFile(ctx: DriveSyncContext, file: DriveFile): Promise<FileOutcome> {
  const row = await withTenant(ctx.tenantId, async (tx) => {
    const found = await readDriveFile(tx, ctx.connectionId, file.id);
    if (found && unchanged(found, file)) await touchDriveFile(tx, ctx.connectionId, file.id);
    return found;
  });
  if (unchanged(row, file)) return 'unchanged';
  const how = howToFetch(file);
  if ('skip' in how) return recordSkip(ctx, file, row?.documentId ?? null, how.skip);
  if (file.size !== null && file.size > uploadLimitFor(ctx.plan)) return recordSkip(ctx, file, row?.documentId ?? null, tooLarge(file.size, ctx.plan));

  let fetched: Fetched;
  try {
    fetched = await fetchContent(ctx, file, how);
  } catch (err) {
    // Gone or no longer shared with the connected account between listing and download.
    if (err instanceof DriveApiError && (err.status === 404 || err.status === 403)) return removeDriveFile(ctx, file.id);
    throw err;
  }
  const size = fetched.kind === 'text' ? new TextEncoder().encode(fetched.text).byteLength : fetched.bytes.byteLength;
  if (size > uploadLimitFor(ctx.plan)) return recordSkip(ctx, file, row?.documentId ?? null, tooLarge(size, ctx.plan));
  if (fetched.kind === 'text' && fetched.text.trim() === '') return recordSkip(ctx, file, row?.documentId ?? null, 'The file is empty.');

  let input: ExternalDocumentInput;
  try {
    input = await toDocumentInput(ctx, row?.documentId ?? randomUUID(), file, fetched);
  } catch (err) {
    const reason = skipReason(err);
    if (reason) return recordSkip(ctx, file, row?.documentId ?? null, reason);
    throw err;
  }
  const jobs: PipelineJob[] = [];
  const enqueue = (job: PipelineJob) => jobs.push(job);
  let outcome: FileOutcome;
  let staleBlob: string | null = null;
  try {
    outcome = await withTenant(ctx.tenantId, async (tx) => {
      let documentId = row?.documentId ?? null;
      let result: FileOutcome = 'ingested';
      if (documentId) {
        const replaced = await replaceDocumentContent(tx, ctx.tenantId, documentId, input, enqueue);
        if (replaced) {
          staleBlob = replaced.previousBlobKey;
          result = 'updated';
        } else documentId = null;
      }
      documentId ??= await createExternalDocument(tx, ctx.tenantId, input, enqueue);
      await saveDriveFile(tx, ctx.tenantId, ctx.connectionId, record(file, documentId, null));
      return result;
    });
  } catch (err) {
    if (input.blobKey) await deleteTenantBlob(ctx.tenantId, input.blobKey).catch(() => undefined);
    const reason = skipReason(err);
    if (reason) return recordSkip(ctx, file, row?.documentId ?? null, reason);
    throw err;
  }
  await sendPipelineJobs(jobs);
  if (staleBlob) await deleteTenantBlob(ctx.tenantId, staleBlob).catch((err: unknown) => logger.warn('old Drive file copy not deleted', { error: String(err) }));
  return outcome;
}

// The file was deleted, trashed, moved out of the picked folders or is no longer shared with the account: its
// document goes too.
export async function removeDriveFile(ctx: Pick<DriveSyncContext, 'tenantId' | 'connectionId'>, fileId: string): Promise<FileOutcome> {
  return withTenant(ctx.tenantId, async (tx) => {
    const row = await readDriveFile(tx, ctx.connectionId, fileId);
    if (!row) return 'ignored';
    if (row.documentId) {
      try {
        await deleteDocument(tx, ctx.tenantId, row.documentId);
      } catch (err) {
        // Already deleted in Reflex by someone: nothing left to remove.
        if (!(err instanceof AppError && err.code === 'not_found')) throw err;
      }
    }
    await deleteDriveFile(tx, ctx.connectionId, fileId);
    return 'removed';
  });
}
