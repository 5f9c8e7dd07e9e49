import { z } from 'zod';
import { actionItemSchema } from '@/lib/ai/types';
import { PLANS } from '@/lib/db/schema';
import { MAX_LANES } from '@/lib/documents/scheduling';
import { defineEvent } from './define';

// A document was queued (uploaded, retried or re-queued by the startup sweep) for one pipeline generation.
// Sent only after the transaction that queued it committed; its event id is `document-uploaded-<id>-<generation>`.
// plan and lane are read when the event is sent and drive scheduling (lib/documents/scheduling.ts): the plan sets
// the run's priority, the lane its per-tenant concurrency key. The defaults read events sent before they existed.
export const documentUploaded = defineEvent('document/uploaded', {
  documentId: z.uuid(),
  generation: z.number().int().min(1),
  plan: z.enum(PLANS).default('standard'),
  lane: z
    .number()
    .int()
    .min(0)
    .max(MAX_LANES - 1)
    .default(0),
});

// The pipeline finished a document: text, chunks, embeddings, category, verification, summary are stored.
// Consumers (e.g. task creation) get the extracted action items here.
export const documentProcessed = defineEvent('document/processed', {
  documentId: z.uuid(),
  actionItems: z.array(actionItemSchema),
});
export type DocumentProcessedData = z.infer<typeof documentProcessed.schema>;
