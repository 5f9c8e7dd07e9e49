import { createHash, randomUUID } from 'node:crypto';
import type { AiProvider, Rule } from '@/lib/ai/types';
import { documentChunks, documents, type StoredVerification } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { chunkText } from '@/lib/documents/chunk';
import type { LoadedCorpus } from './corpus';
import { extractDocument } from './extraction';

// Writes the corpus into a tenant as the pipeline would leave it (text, title, category, tags, summary, action
// items, verification, chunks with the provider's embeddings), computed by calling the provider directly. The
// quality-gate test uses it: same outputs, without a minute of per-step bookkeeping.

const EMBED_BATCH = 128;
const INSERT_BATCH = 200;

const callContext = (key: string) => ({ idempotencyKey: key, signal: new AbortController().signal, timeoutMs: 60_000 });

async function verification(provider: AiProvider, text: string, rules: Rule[]): Promise<StoredVerification> {
  if (rules.length === 0 || !provider.verify) return { passed: true, confidence: 1, provider: 'none', results: [] };
  const { output } = await provider.verify({ text, rules }, callContext('verify'));
  return { passed: output.passed, confidence: output.confidence, provider: provider.name, results: output.results };
}

// Returns document id → corpus file.
export async function seedCorpus(tenantId: string, provider: AiProvider, loaded: LoadedCorpus): Promise<Map<string, string>> {
  if (!provider.embed) throw new Error(`${provider.name} cannot embed`);
  const fileOf = new Map<string, string>();
  for (const doc of loaded.corpus.documents) {
    const file = loaded.files.get(doc.file);
    if (!file) continue;
    const out = await extractDocument(provider, loaded, doc);
    const verified = await verification(provider, out.text, loaded.corpus.rules);
    const chunks = chunkText(out.text);
    const vectors: number[][] = [];
    let model = '';
    for (let i = 0; i < chunks.length; i += EMBED_BATCH) {
      const result = await provider.embed({ texts: chunks.slice(i, i + EMBED_BATCH).map((c) => c.text) }, callContext(`${doc.file}:embed:${i}`));
      vectors.push(...result.output.embeddings);
      model = result.model;
    }
    const id = randomUUID();
    fileOf.set(id, doc.file);
    await withTenant(tenantId, async (tx) => {
      await tx.insert(documents).values({
        tenantId,
        id,
        title: out.title,
        kind: file.mime === 'application/pdf' ? 'pdf' : 'text',
        mime: file.mime,
        sizeBytes: file.bytes.byteLength,
        checksum: createHash('sha256').update(file.bytes).digest('hex'),
        filename: file.filename,
        status: 'processed',
        text: out.text,
        summary: out.summary,
        category: out.category,
        tags: out.tags,
        verification: verified,
        actionItems: out.actionItems,
        processedAt: new Date(),
      });
      const rows = chunks.map((c, k) => ({
        tenantId,
        documentId: id,
        ord: c.ord,
        text: c.text,
        charStart: c.start,
        charEnd: c.end,
        embedding: vectors[k] ?? null,
        embeddingModel: `${provider.name}/${model}`,
      }));
      for (let i = 0; i < rows.length; i += INSERT_BATCH) await tx.insert(documentChunks).values(rows.slice(i, i + INSERT_BATCH));
    });
  }
  return fileOf;
}
