import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as searchRoute from '@/app/api/v1/search/route';
import { documents, tenants } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { KEYWORD_CANDIDATE_CAP, keywordChunks } from '@/lib/search/retrieve';
import { ownerDb } from '../helpers/db';
import { call, provision } from '../helpers/http';
import { analyzeChunks, seedDocument, type SeededDocument } from './seed';

// The keyword leg: rows matching ALL the words first, rows matching ANY word only when too few match all, at most
// KEYWORD_CANDIDATE_CAP rows ranked, the document title weighted into every chunk's tsvector, and the candidate
// lookup (a SECURITY DEFINER function, so the GIN index is usable) confined to the current tenant.

let tenant: Awaited<ReturnType<typeof provision>>;
let both: SeededDocument;
let onlyOne: SeededDocument;
let crowd: SeededDocument;
let partial: SeededDocument;
let titled: SeededDocument;
let untitled: SeededDocument;
let otherTenantId: string;
let otherDoc: SeededDocument;

beforeAll(async () => {
  tenant = await provision();
  both = await seedDocument(tenant.tenantId, {
    title: 'Studio records',
    chunks: ['The kiln firing log notes glaze temperature.', 'Second kiln firing notes the glaze colour.', 'A kiln firing with a matte glaze finish.'],
  });
  onlyOne = await seedDocument(tenant.tenantId, {
    title: 'Pottery notes',
    chunks: Array.from({ length: 6 }, (_, i) => `The kiln shelf number ${i} was cleaned on schedule.`),
  });
  // Matches two of the three words, one of them in the title (weight A): under ts_rank it outscores every full match.
  partial = await seedDocument(tenant.tenantId, { title: 'Kiln glaze handbook', chunks: ['The kiln shelf was cleaned.'] });
  // More rows matching one word than the cap: the rows matching every word must still come first.
  crowd = await seedDocument(tenant.tenantId, {
    title: 'Workshop inventory',
    chunks: Array.from({ length: KEYWORD_CANDIDATE_CAP + 50 }, (_, i) => `Shelf ${i} holds a glaze bucket.`),
  });
  titled = await seedDocument(tenant.tenantId, { title: 'Marmot keeper manual', chunks: ['Feeding happens twice a day in the enclosure.'] });
  untitled = await seedDocument(tenant.tenantId, { title: 'Enclosure rota', chunks: ['The marmot enclosure feeding happens twice a day.'] });
  otherTenantId = randomUUID();
  await (await ownerDb()).insert(tenants).values({ id: otherTenantId, name: 'Other', slug: `other-${otherTenantId}` });
  otherDoc = await seedDocument(otherTenantId, { title: 'Kiln glaze secrets', chunks: ['Kiln glaze firing secrets of the other tenant.'] });
  await analyzeChunks();
}, 300_000);

const ids = (rows: readonly { id: string }[]) => rows.map((r) => r.id);

describe('keyword leg', () => {
  it('ranks only the rows matching every word when enough of them match', async () => {
    const rows = await withTenant(tenant.tenantId, (tx) => keywordChunks(tx, 'kiln glaze firing', 3));
    expect(new Set(ids(rows))).toEqual(new Set(both.chunkIds));
  });

  it('adds rows matching any word when too few match all of them, all ranked by ts_rank together', async () => {
    const rows = await withTenant(tenant.tenantId, (tx) => keywordChunks(tx, 'kiln glaze firing', 10));
    expect(rows).toHaveLength(10);
    expect(ids(rows)[0]).toBe(partial.chunkIds[0]);
    for (const id of both.chunkIds) expect(ids(rows)).toContain(id);
    const rest = new Set([...partial.chunkIds, ...both.chunkIds, ...onlyOne.chunkIds, ...crowd.chunkIds]);
    for (const id of ids(rows)) expect(rest.has(id)).toBe(true);
  });

  it('keeps the full matches when the words together match more rows than the cap', async () => {
    // Only the three full matches have "firing" and "glaze" both, while 550 crowd rows and more match "glaze".
    const rows = await withTenant(tenant.tenantId, (tx) => keywordChunks(tx, 'glaze firing', 20));
    expect(rows).toHaveLength(20);
    for (const id of both.chunkIds) expect(ids(rows)).toContain(id);
    const candidates = await withTenant(tenant.tenantId, (tx) =>
      queryRows<{ id: string }>(tx, sql`select id from reflex_keyword_candidates(to_tsquery('english', 'glaze'), ${KEYWORD_CANDIDATE_CAP}, null)`),
    );
    expect(candidates).toHaveLength(KEYWORD_CANDIDATE_CAP);
  });

  it('a single word runs one lookup and still ranks', async () => {
    const rows = await withTenant(tenant.tenantId, (tx) => keywordChunks(tx, 'firing', 10));
    expect(new Set(ids(rows))).toEqual(new Set(both.chunkIds));
  });

  it('finds a chunk by its document title, and ranks a title match above a body-only match', async () => {
    const res = await call(searchRoute.GET, { path: `/api/v1/search?q=marmot&limit=5`, as: { apiKey: tenant.apiKey } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const textRanked = res.body.items
      .filter((h: { textRank: number | null }) => h.textRank !== null)
      .sort((a: { textRank: number }, b: { textRank: number }) => a.textRank - b.textRank)
      .map((h: { chunkId: string }) => h.chunkId);
    expect(textRanked.slice(0, 2)).toEqual([titled.chunkIds[0], untitled.chunkIds[0]]);
    const rows = await withTenant(tenant.tenantId, (tx) => keywordChunks(tx, 'keeper', 5));
    expect(ids(rows)).toEqual(titled.chunkIds);
  });

  it('a renamed document matches its new title and no longer its old one', async () => {
    const doc = await seedDocument(tenant.tenantId, { title: 'Quokka guide', chunks: ['Notes about the visitor centre.'] });
    expect(ids(await withTenant(tenant.tenantId, (tx) => keywordChunks(tx, 'quokka', 5)))).toEqual(doc.chunkIds);
    await withTenant(tenant.tenantId, (tx) => tx.update(documents).set({ title: 'Wombat guide' }).where(eq(documents.id, doc.documentId)));
    expect(ids(await withTenant(tenant.tenantId, (tx) => keywordChunks(tx, 'quokka', 5)))).toEqual([]);
    expect(ids(await withTenant(tenant.tenantId, (tx) => keywordChunks(tx, 'wombat', 5)))).toEqual(doc.chunkIds);
  });

  it('a document scope limits the candidates', async () => {
    const rows = await withTenant(tenant.tenantId, (tx) => keywordChunks(tx, 'kiln', 10, { documentIds: [onlyOne.documentId] }));
    expect(new Set(ids(rows))).toEqual(new Set(onlyOne.chunkIds));
  });
});

describe('keyword candidates stay inside the tenant', () => {
  it('never returns another tenant’s chunks, even for that tenant’s exact words and document ids', async () => {
    const rows = await withTenant(tenant.tenantId, (tx) => keywordChunks(tx, 'kiln glaze firing secrets', 50));
    for (const id of ids(rows)) expect(otherDoc.chunkIds).not.toContain(id);
    const scoped = await withTenant(tenant.tenantId, (tx) =>
      queryRows<{ id: string }>(
        tx,
        sql`select id from reflex_keyword_candidates(to_tsquery('english', 'secrets'), 100, array[${otherDoc.documentId}::uuid])`,
      ),
    );
    expect(scoped).toEqual([]);
    const own = await withTenant(otherTenantId, (tx) => keywordChunks(tx, 'secrets', 5));
    expect(ids(own)).toEqual(otherDoc.chunkIds);
  });

  it('returns nothing without a tenant setting (fails closed like the policy)', async () => {
    const db = await ownerDb();
    const rows = await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'app_user', true)`);
      return queryRows<{ id: string }>(tx, sql`select id from reflex_keyword_candidates(to_tsquery('english', 'kiln'), 100, null)`);
    });
    expect(rows).toEqual([]);
  });

  it('is not callable by the auth role', async () => {
    const db = await ownerDb();
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('role', 'app_auth', true)`);
        await tx.execute(sql`select id from reflex_keyword_candidates(to_tsquery('english', 'kiln'), 100, null)`);
      }),
    ).rejects.toThrow();
  });
});
