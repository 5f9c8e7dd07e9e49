import { and, count, desc, eq, inArray, lt, or, sql, sum } from 'drizzle-orm';
import { z } from 'zod';
import { aiUsage, documentChunks, documents, documentSteps, DOCUMENT_STEPS, type DocumentStatus } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { AppError, notFound } from '@/lib/http/errors';
import { decodeCursor, pageQuery, toPage } from '@/lib/http/pagination';
import { deleteTenantBlob } from '@/lib/storage';
import type { Enqueue } from './jobs';
import { documentStatusSchema, summaryColumns, toStepView, toSummary, type DocumentDetail, type DocumentSummary } from './views';

export const listDocumentsQuery = z.strictObject({ ...pageQuery, status: documentStatusSchema.optional() });
export type ListDocumentsQuery = z.output<typeof listDocumentsQuery>;

const RETRYABLE: DocumentStatus[] = ['failed', 'needs_transcription_provider', 'cancelled'];
const CANCELLABLE: DocumentStatus[] = ['queued', 'processing', 'failed', 'needs_transcription_provider'];

// RLS already limits every query here to the current tenant; another tenant's id simply finds nothing (404).
export async function listDocuments(tx: Tx, query: ListDocumentsQuery): Promise<{ items: DocumentSummary[]; nextCursor: string | null }> {
  const cursor = decodeCursor(query.cursor);
  const conditions = [
    query.status ? eq(documents.status, query.status) : undefined,
    cursor
      ? or(lt(documents.createdAt, new Date(cursor.t)), and(eq(documents.createdAt, new Date(cursor.t)), lt(documents.id, cursor.id)))
      : undefined,
  ];
  const rows = await tx
    .select(summaryColumns)
    .from(documents)
    .where(and(...conditions))
    .orderBy(desc(documents.createdAt), desc(documents.id))
    .limit(query.limit + 1);
  const page = toPage(rows, query.limit);
  return { items: page.items.map(toSummary), nextCursor: page.nextCursor };
}

export async function getDocument(tx: Tx, id: string): Promise<DocumentDetail> {
  const [row] = await tx
    .select({ ...summaryColumns, text: documents.text, summary: documents.summary, verification: documents.verification, actionItems: documents.actionItems })
    .from(documents)
    .where(eq(documents.id, id))
    .limit(1);
  if (!row) throw notFound('Document');
  const steps = await tx.select().from(documentSteps).where(eq(documentSteps.documentId, id));
  const order = (s: string) => DOCUMENT_STEPS.findIndex((name) => name === s);
  steps.sort((a, b) => order(a.step) - order(b.step));
  const [chunks] = await tx.select({ n: count() }).from(documentChunks).where(eq(documentChunks.documentId, id));
  const [usage] = await tx.select({ cost: sum(aiUsage.costMicros) }).from(aiUsage).where(eq(aiUsage.documentId, id));
  const { text, summary, verification, actionItems, ...summaryRow } = row;
  const isAudio = row.kind === 'audio';
  return {
    ...toSummary(summaryRow),
    text: isAudio ? null : text,
    transcript: isAudio ? text : null,
    summary,
    verification,
    actionItems,
    chunkCount: chunks?.n ?? 0,
    costMicros: Number(usage?.cost ?? 0),
    steps: steps.map(toStepView),
  };
}

// Rows (chunks and steps cascade), then the original file. Usage rows stay (billing history) with document_id
// cleared. A pipeline still running finds the document gone at its next step and stops.
export async function deleteDocument(tx: Tx, tenantId: string, id: string): Promise<void> {
  const [row] = await tx.delete(documents).where(eq(documents.id, id)).returning({ blobKey: documents.blobKey });
  if (!row) throw notFound('Document');
  // Inside the transaction: if the file cannot be deleted, the row stays and the caller can try again.
  if (row.blobKey) await deleteTenantBlob(tenantId, row.blobKey);
}

async function statusOf(tx: Tx, id: string): Promise<DocumentStatus> {
  const [row] = await tx.select({ status: documents.status }).from(documents).where(eq(documents.id, id)).limit(1);
  if (!row) throw notFound('Document');
  return row.status;
}

// A new generation: the run that picks it up skips every step already recorded as done, so work resumes at the
// step that failed (or, for audio waiting on a provider, at extract).
export async function retryDocument(tx: Tx, tenantId: string, id: string, enqueue: Enqueue): Promise<DocumentSummary> {
  const [row] = await tx
    .update(documents)
    .set({ status: 'queued', generation: sql`${documents.generation} + 1`, runId: null, error: null, updatedAt: new Date() })
    .where(and(eq(documents.id, id), inArray(documents.status, RETRYABLE)))
    .returning({ ...summaryColumns, generation: documents.generation });
  if (!row) {
    const status = await statusOf(tx, id);
    throw new AppError('conflict', `The document is ${status}; only failed, cancelled or waiting documents can be retried`, {
      details: { status },
    });
  }
  const { generation, ...summary } = row;
  enqueue({ tenantId, documentId: id, generation });
  return toSummary(summary);
}

// The pipeline checks the status before and after every step, so it stops at the next step boundary.
export async function cancelDocument(tx: Tx, id: string): Promise<DocumentSummary> {
  const [row] = await tx
    .update(documents)
    .set({ status: 'cancelled', updatedAt: new Date() })
    .where(and(eq(documents.id, id), inArray(documents.status, CANCELLABLE)))
    .returning(summaryColumns);
  if (row) return toSummary(row);
  const status = await statusOf(tx, id);
  if (status === 'cancelled') {
    const [same] = await tx.select(summaryColumns).from(documents).where(eq(documents.id, id));
    if (same) return toSummary(same);
  }
  throw new AppError('conflict', `The document is already ${status} and cannot be cancelled`, { details: { status } });
}
