import { z } from 'zod';
import { DOCUMENT_KINDS, DOCUMENT_STATUSES, DOCUMENT_STEPS, DOCUMENT_STEP_STATUSES, documents, documentSteps } from '@/lib/db/schema';

export const documentStatusSchema = z.enum(DOCUMENT_STATUSES);

export const documentSummarySchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    kind: z.enum(DOCUMENT_KINDS),
    mime: z.string(),
    sizeBytes: z.number().int(),
    filename: z.string().nullable(),
    status: documentStatusSchema,
    currentStep: z.enum(DOCUMENT_STEPS).nullable(),
    error: z.string().nullable(),
    category: z.string().nullable(),
    tags: z.array(z.string()),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    processedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'DocumentSummary' });
export type DocumentSummary = z.infer<typeof documentSummarySchema>;

export const documentStepSchema = z
  .object({
    step: z.enum(DOCUMENT_STEPS),
    status: z.enum(DOCUMENT_STEP_STATUSES),
    provider: z.string().nullable(),
    model: z.string().nullable(),
    latencyMs: z.number().int().nullable(),
    costMicros: z.number().int(),
    attempts: z.number().int(),
    error: z.string().nullable(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'DocumentStep' });

export const verificationSchema = z.object({
  passed: z.boolean(),
  confidence: z.number(),
  provider: z.string(),
  results: z.array(z.object({ rule: z.record(z.string(), z.unknown()), passed: z.boolean(), detail: z.string() })),
});

export const actionItemViewSchema = z.object({
  title: z.string(),
  ownerHint: z.string().optional(),
  dueHint: z.string().optional(),
  dueDate: z.iso.date().optional(),
  quote: z.string().optional(),
});

export const documentDetailSchema = documentSummarySchema
  .extend({
    // Extracted text (text, Markdown, PDF); null for audio and until the extract step has run.
    text: z.string().nullable(),
    // The transcript of an audio document; null otherwise.
    transcript: z.string().nullable(),
    summary: z.string().nullable(),
    verification: verificationSchema.nullable(),
    actionItems: z.array(actionItemViewSchema).nullable(),
    chunkCount: z.number().int(),
    costMicros: z.number().int(),
    steps: z.array(documentStepSchema),
  })
  .meta({ id: 'Document' });
export type DocumentDetail = z.infer<typeof documentDetailSchema>;

// The columns list views select: never the text.
export const summaryColumns = {
  id: documents.id,
  title: documents.title,
  kind: documents.kind,
  mime: documents.mime,
  sizeBytes: documents.sizeBytes,
  filename: documents.filename,
  status: documents.status,
  currentStep: documents.currentStep,
  error: documents.error,
  category: documents.category,
  tags: documents.tags,
  createdAt: documents.createdAt,
  updatedAt: documents.updatedAt,
  processedAt: documents.processedAt,
};

type SummaryRow = Pick<typeof documents.$inferSelect, keyof typeof summaryColumns>;

export function toSummary(row: SummaryRow): DocumentSummary {
  return {
    ...row,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    processedAt: row.processedAt?.toISOString() ?? null,
  };
}

export function toStepView(row: typeof documentSteps.$inferSelect): z.infer<typeof documentStepSchema> {
  return {
    step: row.step,
    status: row.status,
    provider: row.provider,
    model: row.model,
    latencyMs: row.latencyMs,
    costMicros: row.costMicros,
    attempts: row.attempts,
    error: row.error,
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}
