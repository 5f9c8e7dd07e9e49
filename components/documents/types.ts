import type { DocumentDetail, DocumentSummary } from '@/lib/documents/views';

// Response shapes of the documents API, inferred from the schemas it validates with (type-only: nothing
// server-side reaches the client bundle).
export type { DocumentDetail, DocumentSummary };
export type DocumentStatus = DocumentSummary['status'];
export type DocumentStep = DocumentDetail['steps'][number];

export const KIND_LABEL: Record<DocumentSummary['kind'], string> = { text: 'Text', markdown: 'Markdown', pdf: 'PDF', audio: 'Audio' };

export const DOCUMENT_STATUS_OPTIONS: readonly DocumentStatus[] = [
  'queued',
  'processing',
  'processed',
  'failed',
  'needs_transcription_provider',
  'cancelled',
];

// Statuses the pipeline may still move on from by itself: pages keep refreshing while one is shown.
export function isActive(status: DocumentStatus): boolean {
  return status === 'queued' || status === 'processing';
}
