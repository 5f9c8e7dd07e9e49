import { createHash, randomUUID } from 'node:crypto';
import { and, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { documentChunks, documents, documentSteps, type DocumentKind } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { titleFromText } from '@/lib/ai/nlp/title';
import { clipAtWord } from '@/lib/ui/format';
import { AppError } from '@/lib/http/errors';
import { assertAiBudgetLeft, assertDocumentUploadAllowed } from '@/lib/quotas/enforce';
import type { Access } from '@/lib/tenancy/access';
import { boundedText } from '@/lib/validation/text';
import type { Enqueue } from './jobs';
import { cleanText } from './clean-text';
import { MAX_TITLE_LENGTH } from './limits';
import type { StagedFile } from './multipart';
import { filenameTitle } from './title';
import { summaryColumns, toSummary, type DocumentSummary } from './views';

export const textDocumentSchema = z
  .strictObject({
    title: boundedText('Title', MAX_TITLE_LENGTH).optional(),
    text: z.string().refine((t) => t.trim().length > 0, 'text must not be empty'),
  })
  .meta({ id: 'TextDocumentUpload' });
export type TextDocumentInput = z.infer<typeof textDocumentSchema>;

export type DocumentInput = { source: 'json'; body: TextDocumentInput } | { source: 'file'; file: StagedFile };

interface NewDocument {
  id: string;
  title: string;
  kind: DocumentKind;
  mime: string;
  sizeBytes: number;
  checksum: string;
  filename: string | null;
  text: string | null;
  blobKey: string | null;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// A title taken from the first line of the text stays short enough for lists.
const FIRST_LINE_TITLE = 120;

function defaultTitle(filename: string | undefined, text: string | undefined): string {
  if (filename) return filenameTitle(filename);
  if (!text) return 'Untitled document';
  const firstLine = text.split('\n').find((l) => l.trim() !== '')?.replace(/^#+\s*/, '').trim();
  const found = titleFromText(text) ?? firstLine;
  return found ? clipAtWord(found, FIRST_LINE_TITLE) : 'Untitled document';
}

function checkTitle(title: string | undefined): string | undefined {
  const t = title?.trim();
  if (!t) return undefined;
  if (t.length > MAX_TITLE_LENGTH) throw new AppError('validation_failed', `Title must be at most ${MAX_TITLE_LENGTH} characters`);
  return t;
}

function fromJson(body: TextDocumentInput): NewDocument {
  const text = cleanText(body.text);
  const bytes = new TextEncoder().encode(text);
  return {
    id: randomUUID(),
    title: body.title ?? defaultTitle(undefined, text),
    kind: 'text',
    mime: 'text/plain',
    sizeBytes: bytes.byteLength,
    checksum: sha256(bytes),
    filename: null,
    // Pasted text needs no extraction: it is stored as the document's text right away.
    text,
    blobKey: null,
  };
}

// The file itself is already in the blob store (lib/documents/multipart.ts), under the id the row gets here.
function fromFile(file: StagedFile): NewDocument {
  return {
    id: file.documentId,
    title: checkTitle(file.title) ?? defaultTitle(file.filename, undefined),
    kind: file.detected.kind,
    mime: file.detected.mime,
    sizeBytes: file.sizeBytes,
    checksum: file.checksum,
    filename: file.filename?.slice(0, 255) ?? null,
    text: null,
    blobKey: file.blobKey,
  };
}

async function existingWithChecksum(tx: Tx, tenantId: string, checksum: string): Promise<{ id: string; title: string } | undefined> {
  const [row] = await tx
    .select({ id: documents.id, title: documents.title })
    .from(documents)
    .where(and(eq(documents.tenantId, tenantId), eq(documents.checksum, checksum)))
    .limit(1);
  return row;
}

// details.documentId lets a client link to the copy that is already there.
function duplicate(existing: { id: string; title: string } | undefined, fallbackId: string): AppError {
  const named = existing ? `“${existing.title}”` : 'A document';
  return new AppError('conflict', `${named} already has exactly this content, so it was not uploaded again.`, {
    details: { documentId: existing?.id ?? fallbackId },
  });
}

// Who a document is recorded for: a member's access, or an integration acting for the organization (a file shared
// in Slack by someone with no linked member is created by nobody).
export type DocumentCreator = Pick<Access, 'tenantId'> & { actor: { userId: string | null } };

// Records a document whose file (if any) is already stored; a refusal here (quota, duplicate) rolls back, and the
// route wrapper then discards the stored file. The pipeline is started by `enqueue` only after the surrounding
// transaction commits (see after-commit.ts).
export async function createDocument(tx: Tx, access: DocumentCreator, input: DocumentInput, enqueue: Enqueue): Promise<DocumentSummary> {
  const doc = input.source === 'json' ? fromJson(input.body) : fromFile(input.file);
  await assertDocumentUploadAllowed(tx, access.tenantId, doc.sizeBytes);
  const known = await existingWithChecksum(tx, access.tenantId, doc.checksum);
  if (known) throw duplicate(known, known.id);

  const { id, blobKey } = doc;
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
  if (!row) throw duplicate(await existingWithChecksum(tx, access.tenantId, doc.checksum), id);
  enqueue({ tenantId: access.tenantId, documentId: id, generation: 1 });
  return toSummary(row);
}

// A document whose content comes from a connected service (Google Drive): text already exported, or a file the
// connector stored under `documents/<id>/...` first. Nobody uploaded it, so it has no creator.
export interface ExternalDocumentInput {
  id: string;
  title: string;
  kind: DocumentKind;
  mime: string;
  filename: string | null;
  sizeBytes: number;
  checksum: string;
  text: string | null;
  blobKey: string | null;
}

export function textChecksum(text: string): string {
  return sha256(new TextEncoder().encode(text));
}

// The same gates and duplicate rule as an upload: a refusal (quota, same content as another document) throws
// AppError and the caller records why the file was skipped.
export async function createExternalDocument(tx: Tx, tenantId: string, doc: ExternalDocumentInput, enqueue: Enqueue): Promise<string> {
  await assertDocumentUploadAllowed(tx, tenantId, doc.sizeBytes);
  const known = await existingWithChecksum(tx, tenantId, doc.checksum);
  if (known) throw duplicate(known, known.id);
  const [row] = await tx
    .insert(documents)
    .values({
      tenantId,
      id: doc.id,
      title: doc.title.slice(0, MAX_TITLE_LENGTH),
      kind: doc.kind,
      mime: doc.mime,
      sizeBytes: doc.sizeBytes,
      checksum: doc.checksum,
      filename: doc.filename?.slice(0, 255) ?? null,
      blobKey: doc.blobKey,
      text: doc.text,
    })
    .onConflictDoNothing({ target: [documents.tenantId, documents.checksum] })
    .returning({ id: documents.id });
  if (!row) throw duplicate(await existingWithChecksum(tx, tenantId, doc.checksum), doc.id);
  enqueue({ tenantId, documentId: doc.id, generation: 1 });
  return row.id;
}

// New content for a document that already exists (the file was edited at its source): the content is replaced in
// place and a new generation runs the whole pipeline again, so search and summaries never mix old and new text.
// Returns the blob key the document had before, for the caller to delete after commit, or null when the document
// is gone (deleted in Reflex meanwhile): the caller then creates it again.
export async function replaceDocumentContent(
  tx: Tx,
  tenantId: string,
  documentId: string,
  doc: Omit<ExternalDocumentInput, 'id'>,
  enqueue: Enqueue,
): Promise<{ previousBlobKey: string | null } | null> {
  await assertAiBudgetLeft(tx, tenantId);
  const [current] = await tx.select({ blobKey: documents.blobKey }).from(documents).where(eq(documents.id, documentId)).for('update');
  if (!current) return null;
  const [clash] = await tx
    .select({ id: documents.id, title: documents.title })
    .from(documents)
    .where(and(eq(documents.checksum, doc.checksum), ne(documents.id, documentId)))
    .limit(1);
  if (clash) throw duplicate(clash, clash.id);
  await tx.delete(documentChunks).where(eq(documentChunks.documentId, documentId));
  await tx.delete(documentSteps).where(eq(documentSteps.documentId, documentId));
  const [row] = await tx
    .update(documents)
    .set({
      title: doc.title.slice(0, MAX_TITLE_LENGTH),
      kind: doc.kind,
      mime: doc.mime,
      sizeBytes: doc.sizeBytes,
      checksum: doc.checksum,
      filename: doc.filename?.slice(0, 255) ?? null,
      blobKey: doc.blobKey,
      text: doc.text,
      status: 'queued',
      currentStep: null,
      error: null,
      summary: null,
      category: null,
      tags: [],
      verification: null,
      actionItems: null,
      processedAt: null,
      runId: null,
      generation: sql`${documents.generation} + 1`,
      updatedAt: new Date(),
    })
    .where(eq(documents.id, documentId))
    .returning({ generation: documents.generation });
  if (!row) return null;
  enqueue({ tenantId, documentId, generation: row.generation });
  return { previousBlobKey: current.blobKey === doc.blobKey ? null : current.blobKey };
}
