import { z } from 'zod';

export const ARCHIVE_FORMAT = 'reflex-backup/1';

export const tableHeaderSchema = z.object({ name: z.string().min(1), columns: z.array(z.string()) });
export const sequenceRecordSchema = z.object({ name: z.string().min(1), value: z.string().regex(/^-?\d+$/), called: z.boolean() });
export const blobHeaderSchema = z.object({ key: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().min(0) });

export const manifestSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  createdAt: z.iso.datetime(),
  database: z.enum(['pglite', 'postgres', 'neon']),
  schema: z.object({ migrations: z.number().int(), lastCreatedAt: z.number().int() }),
  tables: z.record(z.string(), z.number().int().min(0)),
  tenants: z.array(z.uuid()),
  auditHeads: z.array(z.object({ tenantId: z.uuid(), seq: z.number().int(), hash: z.string() })),
  // Tenants whose audit chain already failed verification when the backup was taken (tampering the verifier
  // reports): restore reproduces them as they were instead of refusing every other tenant's data.
  auditBroken: z.array(z.object({ tenantId: z.uuid(), reason: z.string() })).default([]),
  blobs: z.array(blobHeaderSchema),
  sequences: z.number().int(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type BlobHeader = z.infer<typeof blobHeaderSchema>;
