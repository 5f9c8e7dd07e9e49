import { z } from 'zod';
import { actionItemSchema } from '@/lib/ai/types';
import { defineEvent } from './define';

// A document was queued (uploaded, retried or re-queued by the startup sweep) for one pipeline generation.
// Sent only after the transaction that queued it committed; its event id is `document-uploaded-<id>-<generation>`.
export const documentUploaded = defineEvent('document/uploaded', {
  documentId: z.uuid(),
  generation: z.number().int().min(1),
});

// The pipeline finished a document: text, chunks, embeddings, category, verification, summary are stored.
// Consumers (e.g. task creation) get the extracted action items here.
export const documentProcessed = defineEvent('document/processed', {
  documentId: z.uuid(),
  actionItems: z.array(actionItemSchema),
});
export type DocumentProcessedData = z.infer<typeof documentProcessed.schema>;
