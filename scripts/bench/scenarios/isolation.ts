// Tenant isolation under pipeline load: another organization's task list, read through the real HTTP server, while
// one tenant's large document goes through the pipeline, next to the same figures on an idle server. Every
// tenant shares one Node process (and, on PGlite, one database connection), so what this measures is how much of
// the pipeline's CPU and database work lands on the request path. Not a LoadPlan: run.ts calls
// runIsolationScenario() and appends isolationTable().
import { z } from 'zod';
import { makeMultiPagePdf } from '../../../tests/fixtures/documents/files';
import { apiCall, ms, percentile, type LoopResult } from './measure';
import { seededRandom, syntheticSentence } from './synthetic-text';
import type { BenchContext } from './types';

export type IsolationDocumentKind = 'pdf' | 'text';

export interface IsolationOptions {
  /** Size of the uploaded document in MB. */
  megabytes: number;
  kinds: readonly IsolationDocumentKind[];
  /** Idle measurement length; the busy one lasts until the document is terminal. */
  idleSeconds: number;
  /** Task-list readers in the other tenant, and their combined request rate. */
  readers: number;
  readsPerSecond: number;
  timeoutSeconds: number;
  /** Pipeline worker settings the server was started with (empty: the defaults). */
  serverSettings: Record<string, string>;
}

export interface IsolationRun {
  kind: IsolationDocumentKind;
  bytes: number;
  status: string;
  error: string | null;
  chunks: number;
  /** Upload answer to terminal status (bench clock). */
  processingSeconds: number;
  steps: { step: string; latencyMs: number | null }[];
  busy: LoopResult;
}

export interface IsolationResult extends IsolationOptions {
  idle: LoopResult;
  runs: IsolationRun[];
}

const TASKS = 40;
const TERMINAL = new Set(['processed', 'failed', 'needs_transcription_provider', 'cancelled']);
const statusSchema = z.object({ id: z.string(), status: z.string() });
const pageSchema = z.object({ items: z.array(statusSchema) });
const detailSchema = z.object({
  status: z.string(),
  error: z.string().nullable(),
  chunkCount: z.number(),
  steps: z.array(z.object({ step: z.string(), latencyMs: z.number().nullable() })),
});

// Prose in lines of about 90 characters: what a text layer or a plain-text export looks like.
function proseLines(bytes: number, seed: number): string[] {
  const rand = seededRandom(seed);
  const lines: string[] = [];
  let size = 0;
  let line = '';
  while (size < bytes) {
    line = line === '' ? syntheticSentence(rand) : `${line} ${syntheticSentence(rand)}`;
    if (line.length >= 90) {
      lines.push(line);
      size += line.length + 1;
      line = '';
    }
  }
  return lines;
}

// A PDF of `bytes` (uncompressed text streams, 50 lines a page), or a plain-text file of the same size.
export function largeDocument(kind: IsolationDocumentKind, bytes: number): { bytes: Uint8Array; name: string; type: string } {
  if (kind === 'text') {
    return { bytes: new TextEncoder().encode(proseLines(bytes, 3).join('\n')), name: 'large-export.txt', type: 'text/plain' };
  }
  // Page streams carry operators around the text (about 10 bytes a line), hence the margin.
  const lines = proseLines(Math.floor(bytes * 0.88), 5);
  const pages: string[][] = [];
  for (let i = 0; i < lines.length; i += 50) pages.push(lines.slice(i, i + 50));
  return { bytes: makeMultiPagePdf(pages), name: 'large-report.pdf', type: 'application/pdf' };
}

async function uploadFile(ctx: BenchContext, apiKey: string, file: { bytes: Uint8Array; name: string; type: string }): Promise<string> {
  const form = new FormData();
  form.set('file', new Blob([Buffer.from(file.bytes)], { type: file.type }), file.name);
  const res = await fetch(`${ctx.baseUrl}/api/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: form });
  if (res.status !== 202) throw new Error(`upload failed: HTTP ${res.status} ${await res.text()}`);
  return statusSchema.parse(await res.json()).id;
}

async function waitTerminal(ctx: BenchContext, apiKey: string, id: string, timeoutSeconds: number): Promise<void> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  while (performance.now() < deadline) {
    // A server whose event loop was blocked for seconds closes idle keep-alive sockets late, and a request sent on
    // one fails with ECONNRESET: that is the symptom being measured, so poll again rather than give up.
    // The list, not the document itself: its detail carries the whole extracted text, megabytes read and sent on
    // every poll, which would be load of the bench's own making.
    const res = await apiCall(ctx.baseUrl, apiKey, 'GET', '/api/v1/documents?limit=10').catch(() => undefined);
    if (res?.status === 200 && pageSchema.parse(await res.json()).items.some((d) => d.id === id && TERMINAL.has(d.status))) return;
    if (res && res.status !== 200) await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the ${id} document did not finish within ${timeoutSeconds} s`);
}

// `readers` loops reading the other tenant's task list, together at most `readsPerSecond`, until `stop` says so.
async function readTasks(ctx: BenchContext, apiKey: string, opts: IsolationOptions, stop: () => boolean): Promise<LoopResult> {
  const samples: number[] = [];
  const statusCodes: Record<string, number> = {};
  let failures = 0;
  const started = performance.now();
  let slot = started;
  const reader = async () => {
    while (!stop()) {
      const wait = slot - performance.now();
      slot = Math.max(slot, performance.now()) + 1000 / opts.readsPerSecond;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t = performance.now();
      const status = await apiCall(ctx.baseUrl, apiKey, 'GET', '/api/v1/tasks?limit=50')
        .then(async (res) => {
          await res.arrayBuffer();
          return res.status;
        })
        .catch(() => 0);
      samples.push(performance.now() - t);
      statusCodes[String(status)] = (statusCodes[String(status)] ?? 0) + 1;
      if (status !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: opts.readers }, reader));
  samples.sort((a, b) => a - b);
  return {
    requests: samples.length,
    requestsPerSecond: samples.length / ((performance.now() - started) / 1000),
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max: samples.at(-1) ?? Number.NaN,
    failures,
    statusCodes,
  };
}

function readTasksFor(ctx: BenchContext, apiKey: string, opts: IsolationOptions, seconds: number): Promise<LoopResult> {
  const end = performance.now() + seconds * 1000;
  return readTasks(ctx, apiKey, opts, () => performance.now() >= end);
}

export async function runIsolationScenario(ctx: BenchContext, opts: IsolationOptions): Promise<IsolationResult> {
  const uploader = await ctx.provisionTenant('Bench Large Uploader');
  const neighbour = await ctx.provisionTenant('Bench Neighbour');
  for (let i = 0; i < TASKS; i++) {
    const res = await apiCall(ctx.baseUrl, neighbour.apiKey, 'POST', '/api/v1/tasks', { title: `Neighbour task ${i + 1}` });
    if (res.status !== 201) throw new Error(`task creation failed: HTTP ${res.status} ${await res.text()}`);
  }
  // Warm the route so the idle figures are not the first request's compile and cache misses.
  await readTasksFor(ctx, neighbour.apiKey, opts, 2);
  const idle = await readTasksFor(ctx, neighbour.apiKey, opts, opts.idleSeconds);
  const runs: IsolationRun[] = [];
  for (const kind of opts.kinds) {
    const file = largeDocument(kind, opts.megabytes * 1024 * 1024);
    const started = performance.now();
    const id = await uploadFile(ctx, uploader.apiKey, file);
    let done = false;
    const [busy] = await Promise.all([
      readTasks(ctx, neighbour.apiKey, opts, () => done),
      waitTerminal(ctx, uploader.apiKey, id, opts.timeoutSeconds).finally(() => {
        done = true;
      }),
    ]);
    const processingSeconds = (performance.now() - started) / 1000;
    const detail = detailSchema.parse(await (await apiCall(ctx.baseUrl, uploader.apiKey, 'GET', `/api/v1/documents/${id}`)).json());
    runs.push({ kind, bytes: file.bytes.length, status: detail.status, error: detail.error, chunks: detail.chunkCount, processingSeconds, steps: detail.steps, busy });
  }
  return { ...opts, idle, runs };
}

export function isolationTable(r: IsolationResult): string {
  const row = (label: string, l: LoopResult) =>
    `| ${label} | ${l.requests} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} | ${(l.max / r.idle.max).toFixed(2)}× | ${l.failures} |`;
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  return [
    '| other tenant\'s GET /api/v1/tasks | requests | p50 ms | p95 ms | p99 ms | max ms | max vs idle max | non-2xx |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    row('idle server', r.idle),
    ...r.runs.map((run) => row(`while a ${mb(run.bytes)} MB ${run.kind === 'pdf' ? 'PDF' : 'text file'} processes`, run.busy)),
    '',
    '| document | MB | outcome | chunks | upload → terminal s | step latencies ms |',
    '|---|---:|---|---:|---:|---|',
    ...r.runs.map(
      (run) =>
        `| ${run.kind} | ${mb(run.bytes)} | ${run.status}${run.error ? ` (${run.error.slice(0, 120)})` : ''} | ${run.chunks} | ${run.processingSeconds.toFixed(1)} | ${run.steps.map((s) => `${s.step} ${s.latencyMs ?? '–'}`).join(', ')} |`,
    ),
    '',
    `${r.readers} readers of another (enterprise) tenant's task list (${TASKS} tasks, limit 50), together at most ` +
      `${r.readsPerSecond} requests/s: ${r.idleSeconds} s on the idle server, then for as long as one document uploaded ` +
      'by a different tenant takes from upload to a terminal status. The goal is a busy max under 2× the idle max. ' +
      `Pipeline worker settings: ${Object.entries(r.serverSettings).map(([k, v]) => `${k}=${v}`).join(', ') || 'the defaults'}.`,
  ].join('\n');
}
