import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as searchRoute from '@/app/api/v1/search/route';
import { hashedEmbedding } from '@/lib/ai/classical/embed';
import { tenants } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { approximateNearest } from '@/lib/search/retrieve';
import { ownerDb } from '../helpers/db';
import { call, provision } from '../helpers/http';
import { OFFLINE_EMBEDDING_MODEL, analyzeChunks, seedDocument, type SeededDocument } from './seed';

// RLS makes every kNN a filtered kNN. Other tenants here own hundreds of chunks that are all nearer to the query
// than any of the small tenant's, so an HNSW scan that stops at ef_search candidates finds none of the small
// tenant's rows; `hnsw.iterative_scan = relaxed_order` must keep it going until k rows pass the policy.

const QUERY = 'termination notice period';
const BIG_TENANTS = 2;
const BIG_CHUNKS = 300;

let small: Awaited<ReturnType<typeof provision>>;
let smallDoc: SeededDocument;

beforeAll(async () => {
  small = await provision();
  smallDoc = await seedDocument(small.tenantId, {
    title: 'Office notes',
    chunks: ['The office plant needs water on Mondays.', 'Parking passes are renewed in March.', 'Coffee machine descaling happens monthly.'],
  });
  const db = await ownerDb();
  for (let t = 0; t < BIG_TENANTS; t++) {
    const id = randomUUID();
    // Arranged as the platform would: a tenant row (the big tenants never sign in here).
    await db.insert(tenants).values({ id, name: `Big ${t}`, slug: `big-${id}` });
    await seedDocument(id, {
      title: `Contracts ${t}`,
      chunks: Array.from({ length: BIG_CHUNKS }, (_, i) => `Termination notice period of contract ${t}-${i}: ${(i % 90) + 1} days.`),
    });
  }
  await analyzeChunks();
}, 300_000);

describe('iterative HNSW scan under RLS', () => {
  it('search returns k results for a small tenant when other tenants have many more, nearer chunks', async () => {
    const res = await call(searchRoute.GET, { path: `/api/v1/search?q=${encodeURIComponent(QUERY)}&limit=3`, as: { apiKey: small.apiKey } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.mode).toBe('hybrid');
    expect(res.body.items).toHaveLength(3);
    expect(new Set(res.body.items.map((h: { chunkId: string }) => h.chunkId))).toEqual(new Set(smallDoc.chunkIds));
    for (const hit of res.body.items) expect(hit.vectorRank).not.toBeNull();
  });

  it('the index scan itself returns k rows with iterative scan, and fewer without it', async () => {
    const vector = hashedEmbedding(QUERY);
    const literal = `[${vector.join(',')}]`;
    const knn = sql`with nearest as materialized (
        select c.id, c.embedding <=> ${literal}::vector as distance from document_chunks c
        where c.embedding is not null and c.embedding_model = ${OFFLINE_EMBEDDING_MODEL}
        order by c.embedding <=> ${literal}::vector limit 3)
      select id from nearest order by distance`;
    await withTenant(small.tenantId, async (tx) => {
      // On a table this small the planner would rather sort everything; production-sized tables get the index.
      // Planner hints make this one use the index as a large table would (the plan is asserted below).
      await tx.execute(sql`select set_config('enable_seqscan', 'off', true), set_config('enable_sort', 'off', true)`);
      const plan = await queryRows<Record<string, string>>(tx, sql`explain ${knn}`);
      expect(plan.map((r) => Object.values(r).join(' ')).join('\n')).toContain('document_chunks_embedding_hnsw');

      await tx.execute(sql`select set_config('hnsw.iterative_scan', 'off', true)`);
      const withoutIterative = await queryRows<{ id: string }>(tx, knn);
      expect(withoutIterative.length).toBeLessThan(3);

      const withIterative = await approximateNearest(tx, vector, OFFLINE_EMBEDDING_MODEL, 3);
      expect(new Set(withIterative.map((c) => c.id))).toEqual(new Set(smallDoc.chunkIds));
    });
  });
});
