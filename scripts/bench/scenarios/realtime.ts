// Realtime delivery: N SSE clients on GET /api/v1/events while writers PATCH tasks at M updates per second.
// Reports delivery latency (from the moment the writer sends the PATCH to the moment each client has the event)
// and losses, duplicates and out-of-order deliveries, which must all be 0. Some clients drop their stream
// half-way and resume with Last-Event-ID, so the count also proves replay.
//
// autocannon cannot measure this, so it is not a LoadPlan: run.ts calls runRealtimeScenario() and appends
// realtimeTable(). Standalone against a fresh `next start` (needs `npm run build`):
//   npx tsx scripts/bench/scenarios/realtime.ts            (REALTIME_CLIENTS, REALTIME_RATE, REALTIME_DURATION)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { BenchContext } from './types';

export interface RealtimeOptions {
  clients: number;
  updatesPerSecond: number;
  durationSeconds: number;
  tasks?: number;
}

export interface RealtimeResult extends RealtimeOptions {
  updates: number;
  failedWrites: number;
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  resumed: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  writeP50: number;
  // Delivery after the writer already had its answer (0 when the event beat the HTTP response): the fan-out's own cost.
  afterWriteP95: number;
}

const taskSchema = z.object({ task: z.object({ id: z.string(), version: z.number() }) });
const createdSchema = z.object({ id: z.string(), version: z.number() });
const DRAIN_MS = 15_000;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

class BenchClient {
  readonly received = new Map<string, number>();
  duplicates = 0;
  outOfOrder = 0;
  resumed = 0;
  private lastId = 0;
  private abort: AbortController | null = null;
  private ready: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly apiKey: string,
  ) {}

  connect(): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey}`, accept: 'text/event-stream' };
    if (this.lastId > 0) headers['last-event-id'] = String(this.lastId);
    this.ready = new Promise<void>((resolve, reject) => {
      void fetch(this.url, { headers, signal: abort.signal })
        .then(async (res) => {
          if (!res.ok || !res.body) throw new Error(`events stream answered HTTP ${res.status}`);
          await this.consume(res.body, resolve);
        })
        .catch((err: unknown) => {
          if (!abort.signal.aborted) reject(err instanceof Error ? err : new Error(String(err)));
        });
    });
    return this.ready;
  }

  private async consume(body: ReadableStream<Uint8Array>, onReady: () => void): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      buffer += decoder.decode(r.value, { stream: true });
      for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
        this.onFrame(buffer.slice(0, cut), onReady);
        buffer = buffer.slice(cut + 2);
      }
    }
  }

  private onFrame(block: string, onReady: () => void): void {
    const now = performance.now();
    let id: number | undefined;
    let event = '';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) id = Number(line.slice(4));
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data = line.slice(6);
    }
    if (event === 'ready') onReady();
    if (id !== undefined && event.startsWith('task.')) {
      if (id <= this.lastId) this.outOfOrder++;
      const parsed = taskSchema.safeParse(JSON.parse(data));
      if (parsed.success) {
        const key = `${parsed.data.task.id}:${parsed.data.task.version}`;
        if (this.received.has(key)) this.duplicates++;
        else this.received.set(key, now);
      }
    }
    if (id !== undefined) this.lastId = Math.max(this.lastId, id);
  }

  // Drops the stream and resumes from the last id seen, as a browser does after a network blip.
  async reconnect(): Promise<void> {
    this.abort?.abort();
    await new Promise((r) => setTimeout(r, 200));
    if (this.closed) return;
    this.resumed++;
    await this.connect();
  }

  close(): void {
    this.closed = true;
    this.abort?.abort();
  }
}

async function api(ctx: BenchContext, apiKey: string, method: string, p: string, body: unknown): Promise<Response> {
  return fetch(`${ctx.baseUrl}${p}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export async function runRealtimeScenario(ctx: BenchContext, opts: RealtimeOptions): Promise<RealtimeResult> {
  const { apiKey } = await ctx.provisionTenant('Bench Realtime');
  const tasks: { id: string; version: number; busy: boolean }[] = [];
  for (let i = 0; i < (opts.tasks ?? 20); i++) {
    const res = await api(ctx, apiKey, 'POST', '/api/v1/tasks', { title: `Bench task ${i}` });
    if (res.status !== 201) throw new Error(`creating a task failed: HTTP ${res.status} ${await res.text()}`);
    tasks.push({ ...createdSchema.parse(await res.json()), busy: false });
  }

  const clients = Array.from({ length: opts.clients }, () => new BenchClient(`${ctx.baseUrl}/api/v1/events`, apiKey));
  await Promise.all(clients.map((c) => c.connect()));

  const sentAt = new Map<string, number>();
  const answeredAt = new Map<string, number>();
  const succeeded = new Set<string>();
  const writeTimes: number[] = [];
  let failedWrites = 0;
  let skipped = 0;
  let next = 0;
  const inFlight = new Set<Promise<void>>();

  const update = (): void => {
    // One write in flight per task, so versions never collide (a 409 here would be the bench's own doing).
    let task: (typeof tasks)[number] | undefined;
    for (let i = 0; i < tasks.length && !task; i++) {
      const candidate = tasks[(next + i) % tasks.length];
      if (candidate && !candidate.busy) task = candidate;
    }
    next++;
    if (!task) {
      skipped++;
      return;
    }
    task.busy = true;
    const key = `${task.id}:${task.version + 1}`;
    const started = performance.now();
    sentAt.set(key, started);
    const p = api(ctx, apiKey, 'PATCH', `/api/v1/tasks/${task.id}`, { version: task.version, title: `Bench update ${next}` })
      .then(async (res) => {
        answeredAt.set(key, performance.now());
        writeTimes.push(performance.now() - started);
        if (res.status === 200) {
          task.version = createdSchema.parse(await res.json()).version;
          succeeded.add(key);
        } else {
          failedWrites++;
          await res.body?.cancel();
        }
      })
      .catch(() => {
        failedWrites++;
      })
      .finally(() => {
        task.busy = false;
        inFlight.delete(p);
      });
    inFlight.add(p);
  };

  const started = performance.now();
  const total = Math.round(opts.updatesPerSecond * opts.durationSeconds);
  const resumeAt = Math.floor(total / 2);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / opts.updatesPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    update();
    // Half-way, every fifth client drops its stream and resumes with Last-Event-ID.
    if (i === resumeAt) clients.filter((_, j) => j % 5 === 0).forEach((c) => void c.reconnect());
  }
  await Promise.all(inFlight);

  const deadline = performance.now() + DRAIN_MS;
  const complete = () => clients.every((c) => [...succeeded].every((k) => c.received.has(k)));
  while (!complete() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const c of clients) c.close();

  const latencies: number[] = [];
  const afterWrite: number[] = [];
  let lost = 0;
  for (const c of clients) {
    for (const key of succeeded) {
      const at = c.received.get(key);
      const sent = sentAt.get(key);
      if (at === undefined || sent === undefined) lost++;
      else {
        latencies.push(Math.max(0, at - sent));
        afterWrite.push(Math.max(0, at - (answeredAt.get(key) ?? at)));
      }
    }
  }
  latencies.sort((a, b) => a - b);
  afterWrite.sort((a, b) => a - b);
  writeTimes.sort((a, b) => a - b);
  return {
    ...opts,
    updates: succeeded.size,
    failedWrites: failedWrites + skipped,
    expectedDeliveries: succeeded.size * clients.length,
    delivered: latencies.length,
    lost,
    duplicates: clients.reduce((n, c) => n + c.duplicates, 0),
    outOfOrder: clients.reduce((n, c) => n + c.outOfOrder, 0),
    resumed: clients.reduce((n, c) => n + c.resumed, 0),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    writeP50: percentile(writeTimes, 50),
    afterWriteP95: percentile(afterWrite, 95),
  };
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');

export function realtimeTable(r: RealtimeResult): string {
  return [
    '| SSE clients | updates/s | updates | deliveries | p50 ms | p95 ms | p99 ms | max ms | lost | duplicates | out of order | resumed streams | PATCH p50 ms | after-write p95 ms |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${r.clients} | ${r.updatesPerSecond} | ${r.updates} | ${r.delivered}/${r.expectedDeliveries} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.lost} | ${r.duplicates} | ${r.outOfOrder} | ${r.resumed} | ${ms(r.writeP50)} | ${ms(r.afterWriteP95)} |`,
    '',
    'Latency runs from the writer sending the PATCH to the client having the event (both clocks in the bench process), ' +
      'so it includes the write itself (PATCH p50); "after-write" is how much later than the PATCH answer the event arrived. Every fifth client drops its stream half-way and resumes with Last-Event-ID.' +
      (r.failedWrites > 0 ? ` ${r.failedWrites} writes failed or found every task busy and are not counted.` : ''),
  ].join('\n');
}

export const realtimeScenario = {
  id: 'realtime',
  title: 'GET /api/v1/events (SSE) under task updates',
  exercises: 'per-tenant outbox written in the PATCH transaction, NOTIFY after commit, one shared feed read per tenant, SSE fan-out and Last-Event-ID replay',
  run: runRealtimeScenario,
  table: realtimeTable,
};

const optionsSchema = z.object({
  REALTIME_CLIENTS: z.coerce.number().int().min(1).max(1000).default(50),
  REALTIME_RATE: z.coerce.number().min(0.1).max(90).default(20),
  REALTIME_DURATION: z.coerce.number().int().min(1).max(600).default(10),
  BENCH_DATABASE_URL: z.string().optional(),
});

async function main(): Promise<void> {
  const opts = optionsSchema.parse(process.env);
  const { benchServerEnv, startServer } = await import('../server');
  const root = process.cwd();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reflex-bench-rt-'));
  const platformToken = randomBytes(24).toString('hex');
  let dbEnv: Record<string, string> = { PGLITE_DIR: path.join(dir, 'pglite') };
  let drop = async () => {};
  if (opts.BENCH_DATABASE_URL) {
    const { prepareServerDatabase } = await import('../../../tests/helpers/server-db');
    const prepared = await prepareServerDatabase(opts.BENCH_DATABASE_URL);
    dbEnv = { DATABASE_URL: prepared.appUrl, DATABASE_DRIVER: 'pg' };
    drop = prepared.drop;
  }
  const server = await startServer(root, { ...benchServerEnv(platformToken), BLOB_DIR: path.join(dir, 'blobs'), ...dbEnv });
  try {
    const ctx: BenchContext = {
      baseUrl: server.baseUrl,
      platformToken,
      async provisionTenant(name) {
        const res = await fetch(`${server.baseUrl}/api/platform/tenants`, {
          method: 'POST',
          headers: { authorization: `Bearer ${platformToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name, plan: 'enterprise', ownerEmail: `bench-rt-${randomBytes(3).toString('hex')}@example.test` }),
        });
        if (res.status !== 201) throw new Error(`provisioning failed: HTTP ${res.status}`);
        const body = z.object({ tenant: z.object({ id: z.string() }), apiKey: z.object({ secret: z.string() }) }).parse(await res.json());
        return { tenantId: body.tenant.id, apiKey: body.apiKey.secret };
      },
    };
    console.log(`[bench] realtime: ${opts.REALTIME_CLIENTS} clients, ${opts.REALTIME_RATE} updates/s for ${opts.REALTIME_DURATION} s (${opts.BENCH_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`);
    const result = await runRealtimeScenario(ctx, { clients: opts.REALTIME_CLIENTS, updatesPerSecond: opts.REALTIME_RATE, durationSeconds: opts.REALTIME_DURATION });
    console.log(`\n${realtimeTable(result)}\n`);
    if (result.lost + result.duplicates + result.outOfOrder > 0) process.exitCode = 1;
  } finally {
    await server.stop();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`[bench] realtime failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
