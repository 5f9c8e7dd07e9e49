import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { hashedEmbedding } from '@/lib/ai/classical/embed';
import { OFFLINE_MODELS, OFFLINE_PROVIDER } from '@/lib/ai/providers/offline';
import { documentChunks, documents } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { ownerDb } from '../helpers/db';

// The vector space the offline provider embeds into: what the pipeline stores with each chunk.
export const OFFLINE_EMBEDDING_MODEL = `${OFFLINE_PROVIDER}/${OFFLINE_MODELS.embed}`;

export interface SeededDocument {
  documentId: string;
  title: string;
  chunkIds: string[];
}

// A processed document as the pipeline leaves it (text, chunks with offline vectors), written through the
// application's own tenant transaction so RLS applies exactly as in production.
export async function seedDocument(
  tenantId: string,
  doc: { title: string; chunks: string[]; category?: string; embeddingModel?: string },
): Promise<SeededDocument> {
  const text = doc.chunks.join('\n\n');
  const documentId = randomUUID();
  return withTenant(tenantId, async (tx) => {
    await tx.insert(documents).values({
      tenantId,
      id: documentId,
      title: doc.title,
      kind: 'text',
      mime: 'text/plain',
      sizeBytes: Buffer.byteLength(text),
      checksum: createHash('sha256').update(`${documentId}:${text}`).digest('hex'),
      status: 'processed',
      text,
      category: doc.category ?? null,
      processedAt: new Date(),
    });
    let offset = 0;
    const rows = doc.chunks.map((chunk, ord) => {
      const row = {
        tenantId,
        documentId,
        ord,
        text: chunk,
        charStart: offset,
        charEnd: offset + chunk.length,
        embedding: hashedEmbedding(chunk),
        embeddingModel: doc.embeddingModel ?? OFFLINE_EMBEDDING_MODEL,
      };
      offset += chunk.length + 2;
      return row;
    });
    const inserted: string[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      const batch = await tx.insert(documentChunks).values(rows.slice(i, i + 500)).returning({ id: documentChunks.id });
      inserted.push(...batch.map((r) => r.id));
    }
    return { documentId, title: doc.title, chunkIds: inserted };
  });
}

// Fresh planner statistics after a bulk load, so plans match what a long-running database would choose.
export async function analyzeChunks(): Promise<void> {
  await (await ownerDb()).execute(sql`analyze document_chunks`);
}
