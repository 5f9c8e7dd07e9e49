import './blob-dir';
import { threadId } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { OfflineProvider } from '@/lib/ai/providers/offline';
import { saveAiSettings } from '@/lib/documents/ai-settings';
import { EXTRACTION_LIMITS } from '@/lib/documents/limits';
import { withTenant } from '@/lib/db/tenant';
import { getMetrics } from '@/lib/metrics';
import { closePipelinePool, configurePipelinePool, runPipelineTask } from '@/lib/workers/pipeline-pool';
import { closeOwnerDb } from '../helpers/db';
import { call, provision } from '../helpers/http';
import { MEETING_NOTES, makeDecompressionBombPdf, makeManyPagePdf, makeMultiPagePdf } from '../fixtures/documents/files';
import { getDocument, settle, uploadFile, uploadText } from './helpers';

// PDF.js must never run on the thread that serves requests: if anything there imports it, the import fails.
vi.mock('unpdf', () => {
  throw new Error('unpdf was loaded on the main thread');
});

let uploader: Awaited<ReturnType<typeof provision>>;
let neighbour: Awaited<ReturnType<typeof provision>>;

beforeAll(async () => {
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50 });
  uploader = await provision();
  neighbour = await provision();
  const created = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'Neighbour task' }, as: { apiKey: neighbour.apiKey } });
  expect(created.status).toBe(201);
});

afterEach(async () => {
  // Back to the default pool (tests below shrink its limits).
  await closePipelinePool();
  vi.restoreAllMocks();
});

afterAll(async () => {
  await stopLocalRunner();
  await closePipelinePool();
  await closeOwnerDb();
});

const as = () => ({ apiKey: uploader.apiKey });

function neighbourTasks() {
  return call(tasksRoute.GET, { path: '/api/v1/tasks', as: { apiKey: neighbour.apiKey } });
}

async function untilStep(id: string, step: string) {
  for (let i = 0; i < 2000; i++) {
    const doc = (await getDocument(as(), id)).body;
    if (doc.currentStep === step || doc.status !== 'queued') return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('caps per plan', () => {
  it('fails a PDF with more pages than the plan processes, naming the count, the limit and what to do', async () => {
    const pages = 2_400;
    expect(pages).toBeGreaterThan(EXTRACTION_LIMITS.standard.pages);
    const res = await uploadFile(as(), { bytes: makeManyPagePdf(pages), name: 'huge.pdf', type: 'application/pdf' });
    expect(res.status).toBe(202);
    await untilStep(res.body.id, 'extract');
    // The server keeps answering other tenants while it is refused.
    expect((await neighbourTasks()).status).toBe(200);
    const doc = await settle(as(), res.body.id);
    expect(doc.status).toBe('failed');
    expect(doc.error).toBe('extract: This PDF has 2,400 pages; the Standard plan processes up to 500. Split it or upgrade.');
    expect(doc.steps.find((s: { step: string }) => s.step === 'extract')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(doc.chunkCount).toBe(0);
  });

  it('fails a text file with more characters than the plan processes', async () => {
    const chars = EXTRACTION_LIMITS.standard.chars + 100_000;
    const line = 'The supplier shall deliver the goods within thirty days of the order date.\n';
    const text = line.repeat(Math.ceil(chars / line.length)).slice(0, chars);
    const res = await uploadFile(as(), { bytes: new TextEncoder().encode(text), name: 'export.txt', type: 'text/plain' });
    expect(res.status).toBe(202);
    const doc = await settle(as(), res.body.id);
    expect(doc.status).toBe('failed');
    expect(doc.error).toBe(
      'extract: This file has 2,100,000 characters of text; the Standard plan processes up to 2,000,000 per document. Split it or upgrade.',
    );
  });

  it('fails a PDF whose text layer is over the character limit without reading the rest of it', async () => {
    // Small print, 130 lines of 280 characters a page, 60 pages: 2.1 million characters well within the page cap.
    const page = Array.from({ length: 130 }, (_, i) => `Line ${i} `.padEnd(280, 'x'));
    const pdf = makeMultiPagePdf(Array.from({ length: 60 }, () => page), { fontSize: 4 });
    const res = await uploadFile(as(), { bytes: pdf, name: 'dense.pdf', type: 'application/pdf' });
    const doc = await settle(as(), res.body.id);
    expect(doc.status).toBe('failed');
    expect(doc.error).toBe(
      'extract: This PDF has more than 2,000,000 characters of text; the Standard plan processes up to 2,000,000 per document. Split it or upgrade.',
    );
  });
});

describe('a document that exhausts the worker', () => {
  it('fails a decompression bomb killed by the worker heap limit, keeps serving, and replaces the worker', async () => {
    const pool = await configurePipelinePool({ memoryMb: 64 });
    const res = await uploadFile(as(), { bytes: makeDecompressionBombPdf(256), name: 'bomb.pdf', type: 'application/pdf' });
    expect(res.status).toBe(202);
    await untilStep(res.body.id, 'extract');
    expect((await neighbourTasks()).status).toBe(200);
    const doc = await settle(as(), res.body.id);
    expect(doc.status).toBe('failed');
    expect(doc.error).toMatch(/^extract: Reading this PDF needed more than the 64 MB of memory one document may use, so it was stopped/);
    expect(doc.steps.find((s: { step: string }) => s.step === 'extract')).toMatchObject({ status: 'failed', attempts: 1 });
    // The next document gets a fresh worker and goes through.
    const next = await settle(as(), (await uploadText(as(), MEETING_NOTES, 'After the bomb')).body.id);
    expect(next.status).toBe('processed');
    expect(pool.stats().started).toBeGreaterThanOrEqual(2);
    expect((await neighbourTasks()).status).toBe(200);
  });

  it('fails a document the worker cannot finish within its deadline', async () => {
    await configurePipelinePool({ memoryMb: 2_048, timeoutMs: 1_000 });
    const res = await uploadFile(as(), { bytes: makeDecompressionBombPdf(64), name: 'slow.pdf', type: 'application/pdf' });
    const doc = await settle(as(), res.body.id);
    expect(doc.status).toBe('failed');
    expect(doc.error).toBe(
      'extract: Reading this PDF needed more than 1 second of processing, the limit for one document, so it was stopped. Split it into smaller files.',
    );
  });
});

describe('CPU-bound steps run off the main thread', () => {
  it('extracts, chunks, embeds, classifies, verifies and summarizes in the worker pool', async () => {
    const inProcess = (['embed', 'classify', 'verify', 'summarize', 'extract-actions'] as const).map((op) => vi.spyOn(OfflineProvider.prototype, op));
    await withTenant(uploader.tenantId, (tx) => saveAiSettings(tx, uploader.tenantId, { rules: [{ kind: 'valid-dates' }] }));
    const before = await workerTasks();
    const pdf = makeMultiPagePdf([MEETING_NOTES.split('\n').slice(0, 8), MEETING_NOTES.split('\n').slice(8)]);
    const res = await uploadFile(as(), { bytes: pdf, name: 'minutes.pdf', type: 'application/pdf' });
    const doc = await settle(as(), res.body.id);
    expect(doc.status).toBe('processed');
    expect(doc.text).toMatch(/launch plan/);
    expect(doc.summary.length).toBeGreaterThan(20);
    expect(doc.actionItems.length).toBeGreaterThan(0);
    expect(doc.verification.results).toHaveLength(1);
    // The offline provider did all of it, but never on this thread.
    for (const spy of inProcess) expect(spy).not.toHaveBeenCalled();
    const after = await workerTasks();
    for (const task of ['extract', 'chunk', 'ai']) expect(after[task] ?? 0).toBeGreaterThan(before[task] ?? 0);
    // ai: embed, classify, verify, summarize, extract-actions.
    expect((after.ai ?? 0) - (before.ai ?? 0)).toBe(5);
    const probe = await runPipelineTask({ type: 'probe' });
    expect(probe.threadId).not.toBe(threadId);
  });
});

// Tasks the pool completed, by type, from the Prometheus histogram's counts.
async function workerTasks(): Promise<Record<string, number>> {
  const metric = await getMetrics().workerTaskDuration.get();
  const out: Record<string, number> = {};
  for (const v of metric.values) {
    if (v.metricName?.endsWith('_count') && v.labels.outcome === 'ok') out[String(v.labels.task)] = v.value;
  }
  return out;
}
