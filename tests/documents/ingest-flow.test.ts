import './blob-dir';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as documentsRoute from '@/app/api/v1/documents/route';
import * as documentRoute from '@/app/api/v1/documents/[id]/route';
import * as usageRoute from '@/app/api/v1/usage/route';
import { functions } from '@/inngest';
import { inngest } from '@/inngest/client';
import { documentProcessed } from '@/lib/events/documents';
import { getRun, listRuns, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { EMBED_BATCH, EMBED_BATCHES_PER_STEP } from '@/lib/documents/pipeline/steps';
import { getMetrics } from '@/lib/metrics';
import { closeOwnerDb, ownerRows } from '../helpers/db';
import { call, provision } from '../helpers/http';
import { MEETING_NOTES, longText, makePdf } from '../fixtures/documents/files';
import { blobExists, getDocument, settle, uploadFile, uploadText } from './helpers';

// A consumer of document/processed, as the task pipeline will be: proves the event arrives, schema-valid.
const captureProcessed = inngest.createFunction(
  { id: 'test-capture-processed', triggers: [documentProcessed], retries: 0 },
  async ({ event }) => event.data,
);

let t: Awaited<ReturnType<typeof provision>>;
let as: { apiKey: string };

beforeAll(async () => {
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50, functions: [...functions, captureProcessed] });
  t = await provision();
  as = { apiKey: t.apiKey };
});

afterAll(async () => {
  await stopLocalRunner();
  await closeOwnerDb();
});

describe('JSON text upload through the real local runner', () => {
  it('answers 202 queued, then the pipeline stores chunks, embeddings, results, steps and usage', async () => {
    const res = await uploadText(as, MEETING_NOTES, 'Weekly sync');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ title: 'Weekly sync', kind: 'text', status: 'queued', sizeBytes: Buffer.byteLength(MEETING_NOTES) });
    const id: string = res.body.id;

    const doc = await settle(as, id);
    expect(doc.status).toBe('processed');
    expect(doc.text).toBe(MEETING_NOTES);
    expect(doc.transcript).toBeNull();
    expect(doc.category).toBe('meeting-notes');
    expect(doc.tags.length).toBeGreaterThan(0);
    expect(doc.summary.length).toBeGreaterThan(20);
    expect(doc.verification).toMatchObject({ passed: true, results: [] });
    expect(doc.actionItems.map((a: { title: string }) => a.title).join(' | ')).toMatch(/launch plan/);
    expect(doc.chunkCount).toBeGreaterThanOrEqual(1);
    expect(doc.processedAt).not.toBeNull();
    expect(doc.steps.map((s: { step: string; status: string }) => `${s.step}:${s.status}`)).toEqual([
      'extract:done',
      'chunk:done',
      'embed:done',
      'classify:done',
      'verify:done',
      'summarize:done',
    ]);
    const byStep = Object.fromEntries(doc.steps.map((s: { step: string }) => [s.step, s]));
    expect(byStep.embed).toMatchObject({ provider: 'offline', model: 'hashed-ngrams-384-v1', attempts: 1, costMicros: 0 });
    expect(byStep.classify.provider).toBe('offline');
    expect(byStep.summarize.provider).toBe('offline');
    for (const s of doc.steps) expect(s.latencyMs).toBeGreaterThanOrEqual(0);

    const chunks = await ownerRows<{ dims: number; model: string; has_tsv: boolean }>(
      sql`select vector_dims(embedding) as dims, embedding_model as model, tsv is not null as has_tsv from document_chunks where document_id = ${id}`,
    );
    expect(chunks.length).toBe(doc.chunkCount);
    for (const c of chunks) expect(c).toEqual({ dims: 384, model: 'offline/hashed-ngrams-384-v1', has_tsv: true });

    // The documents list follows the pipeline live: one event per transition, in order, for readers of documents.
    const live = await ownerRows<{ status: string; step: string | null; permission: string }>(
      sql`select payload->>'status' as status, payload->>'currentStep' as step, permission from realtime_events
          where type = 'document.status_changed' and payload->>'id' = ${id} order by seq`,
    );
    expect(live.map((e) => (e.step ? `${e.status}:${e.step}` : e.status))).toEqual([
      'processing',
      'processing:extract',
      'processing:chunk',
      'processing:embed',
      'processing:classify',
      'processing:verify',
      'processing:summarize',
      'processed',
    ]);
    expect(new Set(live.map((e) => e.permission))).toEqual(new Set(['documents:read']));

    const usage = await ownerRows<{ operation: string; provider: string; tenant_id: string }>(
      sql`select operation, provider, tenant_id from ai_usage where document_id = ${id} order by operation`,
    );
    expect(usage.map((u) => u.operation).sort()).toEqual(['classify', 'embed', 'extract-actions', 'summarize']);
    expect(new Set(usage.map((u) => u.tenant_id))).toEqual(new Set([t.tenantId]));

    const runs = await listRuns({ functionId: 'process-document' });
    const processed = runs.find((r) => r.event.data.documentId === id);
    expect(processed?.status).toBe('completed');
  });

  it('emits document/processed with the action items', async () => {
    const res = await uploadText(as, MEETING_NOTES.replace('Weekly', 'Monthly'), 'Monthly sync');
    const id: string = res.body.id;
    await settle(as, id);
    const runs = await listRuns({ functionId: 'test-capture-processed' });
    const mine = runs.find((r) => r.event.data.documentId === id);
    expect(mine?.status).toBe('completed');
    expect(mine?.output).toMatchObject({ tenantId: t.tenantId, documentId: id });
    expect(mine?.event.data.actionItems).toEqual(expect.arrayContaining([expect.objectContaining({ title: expect.stringMatching(/launch plan/) })]));
  });

  it('chunks a long document into overlapping ~800 character pieces', async () => {
    const text = longText(30);
    const res = await uploadText(as, text, 'Long contract');
    const doc = await settle(as, res.body.id);
    expect(doc.status).toBe('processed');
    expect(doc.category).toBe('contract');
    const chunks = await ownerRows<{ ord: number; text: string; char_start: number; char_end: number }>(
      sql`select ord, text, char_start, char_end from document_chunks where document_id = ${res.body.id} order by ord`,
    );
    expect(chunks.length).toBeGreaterThan(text.length / 800);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(800);
      expect(text.slice(c.char_start, c.char_end)).toBe(c.text);
    }
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1];
      const cur = chunks[i];
      if (!prev || !cur) continue;
      expect(cur.char_start).toBeLessThan(prev.char_end);
      expect(cur.char_start).toBeGreaterThan(prev.char_start);
    }
  });
});

describe('metrics', () => {
  it('count pipeline runs, steps and AI calls', async () => {
    const text = await getMetrics().registry.metrics();
    expect(text).toMatch(/reflex_pipeline_runs_total\{pipeline="process-document",outcome="succeeded"\} [1-9]/);
    expect(text).toMatch(/reflex_pipeline_step_duration_seconds_count\{pipeline="process-document",step="embed",outcome="succeeded"\} [1-9]/);
    expect(text).toMatch(/reflex_ai_calls_total\{provider="offline",operation="classify",outcome="(ok|low_confidence)"\} [1-9]/);
  });
});

describe('a long document', () => {
  it('is embedded over several embed steps, in batches, as one attempt', async () => {
    const text = longText(900);
    const res = await uploadText(as, text, 'Very long contract');
    const id: string = res.body.id;
    const doc = await settle(as, id);
    expect(doc.status).toBe('processed');
    expect(doc.chunkCount).toBeGreaterThan(EMBED_BATCH * EMBED_BATCHES_PER_STEP);
    const embed = doc.steps.find((s: { step: string }) => s.step === 'embed');
    expect(embed).toMatchObject({ status: 'done', attempts: 1 });
    const [missing] = await ownerRows<{ n: number }>(
      sql`select count(*)::int as n from document_chunks where document_id = ${id} and embedding is null`,
    );
    expect(missing?.n).toBe(0);
    const [calls] = await ownerRows<{ n: number }>(
      sql`select count(*)::int as n from ai_usage where document_id = ${id} and operation = 'embed'`,
    );
    expect(calls?.n).toBe(Math.ceil(doc.chunkCount / EMBED_BATCH));
    const [run] = await listRuns({ functionId: 'process-document', eventData: { documentId: id } });
    const steps = run ? ((await getRun(run.id))?.steps ?? []) : [];
    expect(steps.filter((s) => s.name === 'embed').length).toBe(Math.ceil(doc.chunkCount / (EMBED_BATCH * EMBED_BATCHES_PER_STEP)));
  });
});

describe('multipart uploads', () => {
  it('processes a Markdown file', async () => {
    const md = '# Policy: remote work\n\nScope: this policy applies to all employees. Staff must not share passwords.\n';
    const res = await uploadFile(as, { bytes: new TextEncoder().encode(md), name: 'remote-work.md', type: 'text/markdown' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'markdown', mime: 'text/markdown', title: 'remote-work', filename: 'remote-work.md' });
    const doc = await settle(as, res.body.id);
    expect(doc.status).toBe('processed');
    expect(doc.text).toBe(md);
  });

  it('extracts the text of a PDF in the extract step (not in the request)', async () => {
    const pdf = makePdf(['INVOICE 2024-118', 'Amount due: 714 EUR, payment within 30 days.', 'Bank account: DE00 1234']);
    const res = await uploadFile(as, { bytes: pdf, name: 'invoice.pdf', type: 'application/pdf' }, { title: 'Invoice 118' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'pdf', mime: 'application/pdf', title: 'Invoice 118', status: 'queued' });
    const [row] = await ownerRows<{ text: string | null; blob_key: string }>(sql`select text, blob_key from documents where id = ${res.body.id}`);
    expect(row?.text).toBeNull();
    expect(blobExists(row?.blob_key ?? '')).toBe(true);

    const doc = await settle(as, res.body.id);
    expect(doc.status).toBe('processed');
    expect(doc.text).toMatch(/Amount due: 714 EUR/);
    expect(doc.category).toBe('invoice');
    expect(doc.steps[0]).toMatchObject({ step: 'extract', provider: 'unpdf', status: 'done' });
  });
});

describe('list, delete and usage', () => {
  it('lists newest first with a cursor and filters by status', async () => {
    const first = await call(documentsRoute.GET, { path: '/api/v1/documents?limit=2', as });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).not.toHaveProperty('text');
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call(documentsRoute.GET, { path: `/api/v1/documents?limit=2&cursor=${first.body.nextCursor}`, as });
    const ids = [...first.body.items, ...second.body.items].map((d: { id: string }) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    const processed = await call(documentsRoute.GET, { path: '/api/v1/documents?status=processed', as });
    expect(processed.body.items.every((d: { status: string }) => d.status === 'processed')).toBe(true);
    const failed = await call(documentsRoute.GET, { path: '/api/v1/documents?status=failed', as });
    expect(failed.body.items).toEqual([]);
    const bad = await call(documentsRoute.GET, { path: '/api/v1/documents?status=bogus', as });
    expect(bad.status).toBe(422);
  });

  it('delete removes the row, its chunks and steps, and the file; usage rows stay', async () => {
    const pdf = makePdf(['Report Q3', 'Revenue grew 12 percent.']);
    const res = await uploadFile(as, { bytes: pdf, name: 'q3.pdf' });
    const id: string = res.body.id;
    await settle(as, id);
    const [before] = await ownerRows<{ blob_key: string }>(sql`select blob_key from documents where id = ${id}`);
    const key = before?.blob_key ?? '';
    expect(blobExists(key)).toBe(true);
    const usageBefore = await ownerRows<{ n: number }>(sql`select count(*)::int as n from ai_usage where document_id = ${id}`);
    expect(usageBefore[0]?.n).toBeGreaterThan(0);

    const del = await call(documentRoute.DELETE, { method: 'DELETE', path: `/api/v1/documents/${id}`, params: { id }, as });
    expect(del.status).toBe(204);
    expect(blobExists(key)).toBe(false);
    const left = await ownerRows<{ docs: number; chunks: number; steps: number }>(
      sql`select (select count(*) from documents where id = ${id})::int as docs,
                 (select count(*) from document_chunks where document_id = ${id})::int as chunks,
                 (select count(*) from document_steps where document_id = ${id})::int as steps`,
    );
    expect(left[0]).toEqual({ docs: 0, chunks: 0, steps: 0 });
    expect((await getDocument(as, id)).status).toBe(404);
    const again = await call(documentRoute.DELETE, { method: 'DELETE', path: `/api/v1/documents/${id}`, params: { id }, as });
    expect(again.status).toBe(404);
    // Uploading the same file again is allowed once the first copy is gone.
    expect((await uploadFile(as, { bytes: pdf, name: 'q3.pdf' })).status).toBe(202);
  });

  it('GET /usage aggregates by day, operation and provider with totals', async () => {
    const res = await call(usageRoute.GET, { path: '/api/v1/usage', as });
    expect(res.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const embed = res.body.rows.find((r: { operation: string; day: string }) => r.operation === 'embed' && r.day === today);
    expect(embed).toMatchObject({ provider: 'offline', costMicros: 0 });
    expect(embed.calls).toBeGreaterThanOrEqual(5);
    const total = res.body.rows.reduce((n: number, r: { calls: number }) => n + r.calls, 0);
    expect(res.body.totals.calls).toBe(total);
    const [counted] = await ownerRows<{ n: number }>(sql`select count(*)::int as n from ai_usage where tenant_id = ${t.tenantId}`);
    expect(res.body.totals.calls).toBe(counted?.n);

    const past = await call(usageRoute.GET, { path: '/api/v1/usage?from=2020-01-01&to=2020-01-31', as });
    expect(past.body).toMatchObject({ rows: [], totals: { calls: 0, costMicros: 0 } });
    const backwards = await call(usageRoute.GET, { path: '/api/v1/usage?from=2020-02-01&to=2020-01-01', as });
    expect(backwards.status).toBe(422);
  });
});
