// Bulk corpus for the search scenario on PostgreSQL: documents and document_chunks written directly with the owner
// (superuser) connection in batched multi-row INSERTs, vectors from the offline embedder over generated text
// (realistic Zipfian, or the small-vocabulary worst case, per tenant); each chunk's copy of its document title comes
// from the insert trigger of migration 0045. The pipeline would take hours for 100k chunks; this takes a few
// minutes. The HNSW index is dropped during the load and rebuilt once afterwards (one build is far cheaper than 100k
// incremental inserts), exactly as migrations define it.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { hashedEmbedding } from '@/lib/ai/classical/embed';
import { seededRandom, syntheticParagraph } from './synthetic-text';
import { buildZipfText, zipfChunk, zipfQuery, type ZipfText } from './zipf-text';

/** realistic: Zipfian text over a 30k-word vocabulary; worst-case: the ~60-word vocabulary of synthetic-text.ts. */
export type CorpusKind = 'realistic' | 'worst-case';

export interface BulkTenant {
  tenantId: string;
  chunks: number;
  corpus: CorpusKind;
}

interface TextSource {
  chunk: (rand: () => number) => string;
  title: (rand: () => number, n: number) => string;
}

function textSource(kind: CorpusKind, zipf: ZipfText): TextSource {
  if (kind === 'worst-case') return { chunk: (rand) => syntheticParagraph(rand, 6), title: (_rand, n) => `Bench corpus ${n}` };
  return { chunk: (rand) => zipfChunk(zipf, rand), title: (rand) => zipfQuery(zipf, rand) };
}

export interface BulkSeedResult {
  seconds: number;
  indexSeconds: number;
  chunksByTenant: { tenantId: string; chunks: number }[];
}

const CHUNKS_PER_DOCUMENT = 100;
const ROWS_PER_INSERT = 250;
const HNSW_INDEX = 'document_chunks_embedding_hnsw';

const vectorText = (v: readonly number[]) => `[${v.map((x) => x.toFixed(5)).join(',')}]`;

async function insertRows(client: pg.Client, head: string, columns: number, rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const batch = rows.slice(i, i + ROWS_PER_INSERT);
    const values = batch.map((_, r) => `(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`).join(',')})`);
    await client.query(`${head} values ${values.join(',')}`, batch.flat());
  }
}

async function seedTenant(client: pg.Client, tenant: BulkTenant, source: TextSource, embeddingModel: string, seed: number): Promise<void> {
  const rand = seededRandom(seed);
  for (let first = 0; first < tenant.chunks; first += CHUNKS_PER_DOCUMENT * 10) {
    const docs: unknown[][] = [];
    const chunks: unknown[][] = [];
    for (let d = 0; d < 10 && first + d * CHUNKS_PER_DOCUMENT < tenant.chunks; d++) {
      const id = randomUUID();
      const count = Math.min(CHUNKS_PER_DOCUMENT, tenant.chunks - first - d * CHUNKS_PER_DOCUMENT);
      let offset = 0;
      for (let ord = 0; ord < count; ord++) {
        const text = source.chunk(rand);
        chunks.push([tenant.tenantId, id, ord, text, offset, offset + text.length, vectorText(hashedEmbedding(text)), embeddingModel]);
        offset += text.length - 160;
      }
      docs.push([tenant.tenantId, id, source.title(rand, first / CHUNKS_PER_DOCUMENT + d + 1), 'text', 'text/plain', offset, `bench-${id}`, 'processed']);
    }
    await client.query('begin');
    await insertRows(client, 'insert into documents (tenant_id, id, title, kind, mime, size_bytes, checksum, status)', 8, docs);
    await insertRows(
      client,
      'insert into document_chunks (tenant_id, document_id, ord, text, char_start, char_end, embedding, embedding_model)',
      8,
      chunks,
    );
    await client.query('commit');
  }
}

/** Needs chunks the pipeline already embedded: their embedding_model is copied, or search would ignore the vectors. */
export async function bulkSeedCorpus(ownerUrl: string, tenants: readonly BulkTenant[]): Promise<BulkSeedResult> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ def: string }>('select indexdef as def from pg_indexes where indexname = $1', [HNSW_INDEX]);
    const definition = rows[0]?.def;
    if (!definition) throw new Error(`index ${HNSW_INDEX} not found: have the migrations changed?`);
    const model = await client.query<{ m: string }>('select embedding_model as m from document_chunks where embedding_model is not null limit 1');
    const embeddingModel = model.rows[0]?.m;
    if (!embeddingModel) throw new Error('no embedded chunk to copy the embedding model from: seed through the API first');
    await client.query(`drop index ${HNSW_INDEX}`);
    const zipf = buildZipfText();
    for (const [i, tenant] of tenants.entries()) {
      await seedTenant(client, tenant, textSource(tenant.corpus, zipf), embeddingModel, 1000 + i);
      console.log(`[bench] search: seeded ${tenant.chunks} chunks for tenant ${i + 1}/${tenants.length}`);
    }
    const indexStarted = performance.now();
    await client.query("set maintenance_work_mem = '1GB'");
    await client.query(definition);
    await client.query('analyze documents');
    await client.query('analyze document_chunks');
    const indexSeconds = (performance.now() - indexStarted) / 1000;
    const counts = await client.query<{ tenant_id: string; n: string }>('select tenant_id, count(*) as n from document_chunks group by tenant_id');
    return {
      seconds: (performance.now() - started) / 1000,
      indexSeconds,
      chunksByTenant: counts.rows.map((r) => ({ tenantId: r.tenant_id, chunks: Number(r.n) })),
    };
  } finally {
    await client.end();
  }
}
