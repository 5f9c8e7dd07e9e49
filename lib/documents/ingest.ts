import { createHash, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { documents, type DocumentKind } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { AppError } from '@/lib/http/errors';
import { assertDocumentUploadAllowed } from '@/lib/quotas/enforce';
import { putTenantBlob, tenantBlobKey } from '@/lib/storage';
import type { Access } from '@/lib/tenancy/access';
import type { Enqueue } from './jobs';
import { cleanText } from './clean-text';
import { MAX_TITLE_LENGTH } from './limits';
import { detectUploadType } from './sniff';
import { summaryColumns, toSummary, type DocumentSummary } from './views';

export const textDocumentSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(MAX_TITLE_LENGTH).optional(),
    text: z.string().refine((t) => t.trim().length > 0, 'text must not be empty'),
  })
  .meta({ id: 'TextDocumentUpload' });
export type TextDocumentInput = z.infer<typeof textDocumentSchema>;

export interface FileDocumentInput {
  bytes: Uint8Array;
  filename: string | undefined;
  type: string | undefined;
  title: string | undefined;
}

export type DocumentInput = { source: 'json'; body: TextDocumentInput } | { source: 'file'; file: FileDocumentInput };

interface NewDocument {
  title: string;
  kind: DocumentKind;
  mime: string;
  sizeBytes: number;
  checksum: string;
  filename: string | null;
  text: string | null;
  blob: Uint8Array | null;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function defaultTitle(filename: string | undefined, text: string | undefined): string {
  if (filename) {
    const base = filename.replace(/\.[^.]+$/, '').trim();
    if (base) return base.slice(0, MAX_TITLE_LENGTH);
  }
  const firstLine = text?.split('\n').find((l) => l.trim() !== '')?.replace(/^#+\s*/, '').trim();
  return firstLine ? firstLine.slice(0, 120) : 'Untitled document';
}

function checkTitle(title: string | undefined): string | undefined {
  const t = title?.trim();
  if (!t) return undefined;
  if (t.length > MAX_TITLE_LENGTH) throw new AppError('validation_failed', `The title may be at most ${MAX_TITLE_LENGTH} characters`);
  return t;
}

function fromJson(body: TextDocumentInput): NewDocument {
  const text = cleanText(body.text);
  const bytes = new TextEncoder().encode(text);
  return {
    title: body.title ?? defaultTitle(undefined, text),
    kind: 'text',
    mime: 'text/plain',
    sizeBytes: bytes.byteLength,
    checksum: sha256(bytes),
    filename: null,
    // Pasted text needs no extraction: it is stored as the document's text right away.
    text,
    blob: null,
  };
}

function fromFile(file: FileDocumentInput): NewDocument {
  const detected = detectUploadType(file.bytes, file.type, file.filename);
  return {
    title: checkTitle(file.title) ?? defaultTitle(file.filename, undefined),
    kind: detected.kind,
    mime: detected.mime,
    sizeBytes: file.bytes.byteLength,
    checksum: sha256(file.bytes),
    filename: file.filename?.slice(0, 255) ?? null,
    text: null,
    blob: file.bytes,
  };
}

async function existingWithChecksum(tx: Tx, tenantId: string, checksum: string): Promise<string | undefined> {
  const [row] = await tx
    .select({ id: documents.id })
    .from(documents)
    .where(and(eq(documents.tenantId, tenantId), eq(documents.checksum, checksum)))
    .limit(1);
  return row?.id;
}

function duplicate(documentId: string): AppError {
  return new AppError('conflict', 'A document with exactly the same content already exists in this organization', {
    details: { documentId },
  });
}

// Queues a document: row first (so a duplicate is refused before anything is stored), then the original file.
// The pipeline is started by `enqueue` only after the surrounding transaction commits (see after-commit.ts).
export async function createDocument(tx: Tx, access: Access, input: DocumentInput, enqueue: Enqueue): Promise<DocumentSummary> {
  const doc = input.source === 'json' ? fromJson(input.body) : fromFile(input.file);
  await assertDocumentUploadAllowed(tx, access.tenantId, doc.sizeBytes);
  const known = await existingWithChecksum(tx, access.tenantId, doc.checksum);
  if (known) throw duplicate(known);

  const id = randomUUID();
  const blobKey = doc.blob ? tenantBlobKey(access.tenantId, `documents/${id}/original`) : null;
  const [row] = await tx
    .insert(documents)
    .values({
      tenantId: access.tenantId,
      id,
      title: doc.title,
      kind: doc.kind,
      mime: doc.mime,
      sizeBytes: doc.sizeBytes,
      checksum: doc.checksum,
      filename: doc.filename,
      blobKey,
      text: doc.text,
      createdBy: access.actor.userId,
    })
    // A concurrent upload of the same content lost the race above: answer as for any duplicate.
    .onConflictDoNothing({ target: [documents.tenantId, documents.checksum] })
    .returning(summaryColumns);
  if (!row) throw duplicate((await existingWithChecksum(tx, access.tenantId, doc.checksum)) ?? id);

  // If storing fails the transaction rolls back, so no row ever points at a missing file.
  if (doc.blob && blobKey) await putTenantBlob(access.tenantId, blobKey, doc.blob, doc.mime);
  enqueue({ tenantId: access.tenantId, documentId: id, generation: 1 });
  return toSummary(row);
}
