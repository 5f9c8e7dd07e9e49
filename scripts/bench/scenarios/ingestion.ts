// Ingestion throughput: upload N small meeting notes (JSON text with action items) through POST /api/v1/documents
// and wait until the pipeline has processed every one. Reports documents/s end to end and the pipeline's own
// per-step latency (document_steps.latency_ms, as GET /api/v1/documents/{id} shows it). Not a LoadPlan: run.ts
// calls runIngestionScenario() and appends ingestionTable().
import { z } from 'zod';
import { processCpuSeconds } from '../cpu';
import { apiCall, ms, percentile } from './measure';
import { seededRandom, syntheticMeetingNote } from './synthetic-text';
import type { BenchContext } from './types';

export interface IngestionOptions {
  documents: number;
  /** Uploads in flight at once. */
  concurrency: number;
  timeoutSeconds: number;
}

interface StepStats {
  step: string;
  count: number;
  mean: number;
  p95: number;
}

export interface IngestionResult extends IngestionOptions {
  processed: number;
  failed: number;
  uploadP50: number;
  /** From the first upload request to the bench seeing the last document processed (bench clock). */
  wallSeconds: number;
  /** From the first document's createdAt to the last processedAt (server clock, no polling granularity). */
  serverSeconds: number;
  steps: StepStats[];
  /** Mean over documents of (processedAt − createdAt) minus the sum of step latencies: queueing plus the runner. */
  meanOutsideStepsMs: number;
  /** Part of it before the first step started: waiting for a concurrency slot, routing, the claim step. */
  meanQueuedMs: number;
  meanDocumentMs: number;
  chunksPerDocument: number;
  /** Server CPU (all threads: HTTP, runner, pipeline workers) and local PostgreSQL CPU per document, in ms. */
  serverCpuMsPerDocument: number;
  databaseCpuMsPerDocument: number;
  /** One document uploaded alone on the idle server first: upload → processed, server clock and bench clock. */
  single: { serverMs: number; wallMs: number; status: string };
}

const summarySchema = z.object({ id: z.string(), status: z.string(), createdAt: z.string(), processedAt: z.string().nullable() });
const pageSchema = z.object({ items: z.array(summarySchema) });
const detailSchema = summarySchema.extend({
  chunkCount: z.number(),
  steps: z.array(z.object({ step: z.string(), status: z.string(), latencyMs: z.number().nullable(), startedAt: z.string().nullable() })),
});
const TERMINAL = new Set(['processed', 'failed', 'needs_transcription_provider', 'cancelled']);

const SETTLE_MS = 3_000;

// One small document on the idle server, polled every 10 ms: the latency a person uploading a single note sees.
async function measureSingleDocument(ctx: BenchContext, apiKey: string, note: unknown, timeoutSeconds: number) {
  const started = performance.now();
  const res = await apiCall(ctx.baseUrl, apiKey, 'POST', '/api/v1/documents', note);
  if (res.status !== 202) throw new Error(`upload failed: HTTP ${res.status} ${await res.text()}`);
  const { id } = summarySchema.parse(await res.json());
  const deadline = started + timeoutSeconds * 1000;
  for (;;) {
    const detail = await apiCall(ctx.baseUrl, apiKey, 'GET', `/api/v1/documents/${id}`);
    const doc = summarySchema.parse(await detail.json());
    if (TERMINAL.has(doc.status) || performance.now() > deadline) {
      const serverMs = doc.processedAt ? Date.parse(doc.processedAt) - Date.parse(doc.createdAt) : Number.NaN;
      return { serverMs, wallMs: performance.now() - started, status: doc.status };
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function runIngestionScenario(ctx: BenchContext, opts: IngestionOptions): Promise<IngestionResult> {
  const { apiKey } = await ctx.provisionTenant('Bench Ingestion');
  const rand = seededRandom(7);
  // The server's start-up work (the worker pool loads and warms up its code) settles first: "idle" means that.
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const single = await measureSingleDocument(ctx, apiKey, syntheticMeetingNote(seededRandom(11), 0), opts.timeoutSeconds);
  const notes = Array.from({ length: opts.documents }, (_, i) => syntheticMeetingNote(rand, i + 1));
  const databaseCpu = () => ctx.databaseCpuSeconds?.() ?? Number.NaN;
  const cpuBefore = { server: processCpuSeconds(ctx.serverPid), database: databaseCpu() };
  const uploadTimes: number[] = [];
  const ids: string[] = [];
  const started = performance.now();
  let next = 0;
  const uploader = async () => {
    for (let i = next++; i < notes.length; i = next++) {
      const t = performance.now();
      const res = await apiCall(ctx.baseUrl, apiKey, 'POST', '/api/v1/documents', notes[i]);
      uploadTimes.push(performance.now() - t);
      if (res.status !== 202) throw new Error(`upload failed: HTTP ${res.status} ${await res.text()}`);
      ids.push(summarySchema.parse(await res.json()).id);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, uploader));

  const deadline = started + opts.timeoutSeconds * 1000;
  let done = 0;
  while (performance.now() < deadline) {
    const res = await apiCall(ctx.baseUrl, apiKey, 'GET', '/api/v1/documents?limit=100');
    // The single document measured first is in the same list: only this burst's documents count.
    const burst = new Set(ids);
    if (res.status === 200) done = pageSchema.parse(await res.json()).items.filter((d) => burst.has(d.id) && TERMINAL.has(d.status)).length;
    else await res.body?.cancel();
    if (done >= ids.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const wallSeconds = (performance.now() - started) / 1000;
  // Includes the bench's polling of the list endpoint (one request per 100 ms), a small share.
  const cpuMsPerDocument = (before: number, after: number) => ((after - before) * 1000) / Math.max(1, ids.length);
  const serverCpuMsPerDocument = cpuMsPerDocument(cpuBefore.server, processCpuSeconds(ctx.serverPid));
  const databaseCpuMsPerDocument = cpuMsPerDocument(cpuBefore.database, databaseCpu());

  const details = [];
  for (const id of ids) {
    const res = await apiCall(ctx.baseUrl, apiKey, 'GET', `/api/v1/documents/${id}`);
    details.push(detailSchema.parse(await res.json()));
  }
  const processed = details.filter((d) => d.status === 'processed');
  const byStep = new Map<string, number[]>();
  let outside = 0;
  let queued = 0;
  let total = 0;
  for (const d of processed) {
    const docMs = Date.parse(d.processedAt ?? d.createdAt) - Date.parse(d.createdAt);
    let inSteps = 0;
    for (const s of d.steps) {
      if (s.latencyMs === null) continue;
      inSteps += s.latencyMs;
      byStep.set(s.step, [...(byStep.get(s.step) ?? []), s.latencyMs]);
    }
    total += docMs;
    outside += docMs - inSteps;
    const firstStep = Math.min(...d.steps.flatMap((s) => (s.startedAt ? [Date.parse(s.startedAt)] : [])));
    if (Number.isFinite(firstStep)) queued += firstStep - Date.parse(d.createdAt);
  }
  const firstCreated = Math.min(...details.map((d) => Date.parse(d.createdAt)));
  const lastProcessed = Math.max(...processed.map((d) => Date.parse(d.processedAt ?? d.createdAt)));
  uploadTimes.sort((a, b) => a - b);
  return {
    ...opts,
    processed: processed.length,
    failed: details.length - processed.length,
    uploadP50: percentile(uploadTimes, 50),
    wallSeconds,
    serverSeconds: (lastProcessed - firstCreated) / 1000,
    steps: [...byStep].map(([step, values]) => {
      const sorted = values.sort((a, b) => a - b);
      return { step, count: sorted.length, mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, p95: percentile(sorted, 95) };
    }),
    meanOutsideStepsMs: processed.length ? outside / processed.length : Number.NaN,
    meanQueuedMs: processed.length ? queued / processed.length : Number.NaN,
    meanDocumentMs: processed.length ? total / processed.length : Number.NaN,
    chunksPerDocument: processed.length ? processed.reduce((n, d) => n + d.chunkCount, 0) / processed.length : Number.NaN,
    serverCpuMsPerDocument,
    databaseCpuMsPerDocument,
    single,
  };
}

export function ingestionTable(r: IngestionResult): string {
  const perSecond = (s: number) => (s > 0 ? (r.processed / s).toFixed(2) : '–');
  return [
    '| documents | processed | failed | upload p50 ms | wall s | documents/s (bench clock) | documents/s (server clock) | mean ms per document | chunks/document | server CPU ms/document | PostgreSQL CPU ms/document |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${r.documents} | ${r.processed} | ${r.failed} | ${ms(r.uploadP50)} | ${r.wallSeconds.toFixed(1)} | ${perSecond(r.wallSeconds)} | ${perSecond(r.serverSeconds)} | ${ms(r.meanDocumentMs)} | ${r.chunksPerDocument.toFixed(1)} | ${ms(r.serverCpuMsPerDocument)} | ${ms(r.databaseCpuMsPerDocument)} |`,
    '',
    '| one document alone on the idle server | status | upload → processed ms (server clock) | upload → seen processed ms (bench clock) |',
    '|---|---|---:|---:|',
    `| single meeting note | ${r.single.status} | ${ms(r.single.serverMs)} | ${ms(r.single.wallMs)} |`,
    '',
    '| pipeline step | runs | mean latency ms | p95 ms |',
    '|---|---:|---:|---:|',
    ...r.steps.map((s) => `| ${s.step} | ${s.count} | ${ms(s.mean)} | ${ms(s.p95)} |`),
    `| (outside the steps: queueing, runner, status writes) | ${r.processed} | ${ms(r.meanOutsideStepsMs)} | |`,
    `| … of which before the first step (concurrency slot, routing, claim) | ${r.processed} | ${ms(r.meanQueuedMs)} | |`,
    `| … of which between steps (runner calls and commits, step bookkeeping) | ${r.processed} | ${ms(r.meanOutsideStepsMs - r.meanQueuedMs)} | |`,
    '',
    `${r.documents} meeting notes (~1.5 KB, three action items each) uploaded ${r.concurrency} at a time as JSON with an API key, ` +
      'then the list endpoint is polled every 100 ms until all are terminal. Server-clock throughput runs from the first ' +
      'createdAt to the last processedAt; step latencies are what the pipeline recorded per step (offline provider).',
  ].join('\n');
}
