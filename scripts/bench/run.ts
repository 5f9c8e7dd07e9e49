// `npm run bench`: throughput and latency of a production build under autocannon, written to docs/benchmarks.md.
// Expects `npm run build` to have run. See the header of docs/benchmarks.md (scripts/bench/report.ts) for knobs.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { prepareServerDatabase } from '../../tests/helpers/server-db';
import { runLoad, type LoadOptions } from './load';
import { writeReport, resultsTable, type BackendId, type ExtraSection, type ScenarioResult } from './report';
import { SCENARIOS, type BenchContext } from './scenarios';
import { ingestionTable, runIngestionScenario } from './scenarios/ingestion';
import { isolationTable, runIsolationScenario } from './scenarios/isolation';
import { realtimeScenario } from './scenarios/realtime';
import { runSearchScenario, searchTable } from './scenarios/search';
import { commandCpuSeconds, processCpuSeconds } from './cpu';
import { MemorySampler, memoryTable } from './memory';
import { benchServerEnv, pipelineWorkerEnv, startServer, type RunningServer } from './server';

const optionsSchema = z.object({
  BENCH_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'BENCH_DATABASE_URL must be a postgres:// URL').optional(),
  BENCH_CONNECTIONS: z.coerce.number().int().min(1).max(1000).default(50),
  BENCH_DURATION: z.coerce.number().int().min(1).max(600).default(10),
  BENCH_WARMUP: z.coerce.number().int().min(0).max(120).default(3),
  BENCH_SCENARIOS: z.string().optional(),
  BENCH_OUTPUT: z.string().default('docs/benchmarks.md'),
  BENCH_REALTIME_CLIENTS: z.coerce.number().int().min(1).max(1000).default(50),
  BENCH_REALTIME_RATE: z.coerce.number().min(0.1).max(90).default(20),
  BENCH_REALTIME_DURATION: z.coerce.number().int().min(1).max(600).default(10),
  BENCH_INGEST_DOCUMENTS: z.coerce.number().int().min(1).max(100).default(40),
  BENCH_CORPUS_CHUNKS: z.coerce.number().int().min(0).max(2_000_000).default(100_000),
  BENCH_CORPUS_API_DOCUMENTS: z.coerce.number().int().min(1).max(100).optional(),
  // PGlite has no bulk corpus: each measured tenant gets about this many chunks through the API and the pipeline.
  BENCH_PGLITE_CORPUS_CHUNKS: z.coerce.number().int().min(0).max(50_000).default(10_000),
  BENCH_SEARCH_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  BENCH_SEARCH_DURATION: z.coerce.number().int().min(1).max(600).default(10),
  BENCH_CPU_PROFILE_DIR: z.string().optional(),
  BENCH_ISOLATION_MB: z.coerce.number().min(0.1).max(50).default(2),
  BENCH_ISOLATION_KINDS: z
    .string()
    .default('pdf,text')
    .transform((v) => v.split(',').map((k) => k.trim()))
    .pipe(z.array(z.enum(['pdf', 'text'])).min(1)),
  BENCH_ISOLATION_IDLE: z.coerce.number().int().min(1).max(600).default(10),
  BENCH_NODE_OPTIONS: z.string().optional(),
});
type Options = z.infer<typeof optionsSchema>;

// The app's default (lib/env.ts), stated so the report says what was measured.
const POOL_MAX = 10;

// The issue's memory goals: the server's RSS under the 50-connection load and while ingesting.
const MEMORY_GOAL_MB: Record<BackendId, number> = { pglite: 600, postgres: 400 };
// How long the server sits untouched after it is ready (and after the last scenario) before its idle RSS is read.
const IDLE_SETTLE_MS = 3_000;
// Then once more after the pipeline workers' idle shutdown (PIPELINE_WORKER_IDLE_SECONDS, 30 s by default) had its
// chance: what an idle server gives back after a burst of documents.
const IDLE_RETURN_MS = 35_000;

const provisionedSchema = z.object({ tenant: z.object({ id: z.string() }), apiKey: z.object({ secret: z.string() }) });

interface Database {
  backend: BackendId;
  label: string;
  env: Record<string, string>;
  /** A PostgreSQL server on this machine, whose CPU time the bench can read. */
  local: boolean;
  /** PostgreSQL only: the owner (superuser) URL of the bench database, for the bulk corpus. */
  ownerUrl?: string;
  cleanup(): Promise<void>;
}

// Only a PostgreSQL on this machine can be measured, through its processes (all of them: the bench's
// database is the only busy one while a scenario runs). PGlite runs inside the server process.
function databaseCpuSeconds(database: Database): number {
  return database.local ? commandCpuSeconds('postgres') : Number.NaN;
}

async function prepareDatabase(adminUrl: string | undefined): Promise<Database> {
  if (!adminUrl) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reflex-bench-'));
    return {
      backend: 'pglite',
      label: 'Embedded PGlite',
      local: false,
      env: { PGLITE_DIR: path.join(dir, 'pglite'), BLOB_DIR: path.join(dir, 'blobs') },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const prepared = await prepareServerDatabase(adminUrl);
  const admin = await import('pg').then(({ default: pg }) => new pg.Client({ connectionString: adminUrl }));
  await admin.connect();
  const { rows } = await admin.query<{ server_version: string }>('show server_version');
  await admin.end();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reflex-bench-'));
  return {
    backend: 'postgres',
    label: `PostgreSQL ${rows[0]?.server_version.split(' ')[0] ?? ''} (${new URL(adminUrl).host}, pg pool of ${POOL_MAX})`,
    env: { DATABASE_URL: prepared.appUrl, DATABASE_DRIVER: 'pg', DB_POOL_MAX: String(POOL_MAX), BLOB_DIR: path.join(dir, 'blobs') },
    local: ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(adminUrl).hostname),
    ownerUrl: prepared.ownerUrl,
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      await prepared.drop();
    },
  };
}

function nextVersion(root: string): string {
  const pkg = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(path.join(root, 'node_modules', 'next', 'package.json'), 'utf8')));
  return pkg.version;
}

function benchContext(server: RunningServer, platformToken: string, database: Database): BenchContext {
  let n = 0;
  return {
    baseUrl: server.baseUrl,
    platformToken,
    serverPid: server.pid,
    databaseCpuSeconds: () => databaseCpuSeconds(database),
    async provisionTenant(name) {
      n += 1;
      const res = await fetch(`${server.baseUrl}/api/platform/tenants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${platformToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, plan: 'enterprise', ownerEmail: `bench-owner-${n}-${randomBytes(3).toString('hex')}@example.test` }),
      });
      if (res.status !== 201) throw new Error(`provisioning failed: HTTP ${res.status} ${await res.text()}`);
      const body = provisionedSchema.parse(await res.json());
      return { tenantId: body.tenant.id, apiKey: body.apiKey.secret };
    },
  };
}

// The scenarios autocannon cannot drive, on the running server, in this order.
async function runFlowScenarios(
  ctx: BenchContext,
  opts: Options,
  database: Database,
  wanted: (id: string) => boolean,
  memory: MemorySampler,
): Promise<ExtraSection[]> {
  const extras: ExtraSection[] = [];
  if (wanted('isolation')) {
    console.log(`[bench] isolation: another tenant's task list while a ${opts.BENCH_ISOLATION_MB} MB document processes (${opts.BENCH_ISOLATION_KINDS.join(', ')})`);
    const result = await memory.measure('isolation: a large document processes while another tenant reads', 'ingest', () => runIsolationScenario(ctx, {
      megabytes: opts.BENCH_ISOLATION_MB,
      kinds: opts.BENCH_ISOLATION_KINDS,
      idleSeconds: opts.BENCH_ISOLATION_IDLE,
      readers: 4,
      readsPerSecond: 40,
      timeoutSeconds: 900,
      serverSettings: pipelineWorkerEnv(),
    }));
    extras.push({
      title: 'Tenant isolation: another tenant\'s requests while a large document processes',
      exercises:
        'the request path (API-key auth, rate limits, one RLS transaction listing tasks) sharing the process, and on PGlite the one database connection, with the pipeline (extract, chunk, embed, classify, verify, summarize) of a large upload',
      body: isolationTable(result),
    });
  }
  if (wanted('realtime')) {
    const rt = { clients: opts.BENCH_REALTIME_CLIENTS, updatesPerSecond: opts.BENCH_REALTIME_RATE, durationSeconds: opts.BENCH_REALTIME_DURATION };
    console.log(`[bench] realtime: ${rt.clients} SSE clients, ${rt.updatesPerSecond} updates/s for ${rt.durationSeconds} s`);
    const result = await memory.measure(`realtime: ${rt.clients} SSE clients`, 'other', () => realtimeScenario.run(ctx, rt));
    if (result.lost + result.duplicates + result.outOfOrder > 0) console.warn('[bench] realtime: lost, duplicate or out-of-order deliveries');
    extras.push({ title: realtimeScenario.title, exercises: realtimeScenario.exercises, body: realtimeScenario.table(result) });
  }
  if (wanted('ingestion')) {
    console.log(`[bench] ingestion: ${opts.BENCH_INGEST_DOCUMENTS} documents through the pipeline`);
    const result = await memory.measure(`ingestion: ${opts.BENCH_INGEST_DOCUMENTS} documents`, 'ingest', () =>
      runIngestionScenario(ctx, { documents: opts.BENCH_INGEST_DOCUMENTS, concurrency: 8, timeoutSeconds: 600 }),
    );
    extras.push({
      title: 'Ingestion: POST /api/v1/documents until processed',
      exercises: 'upload (checksum, quota, blob, enqueue), the local pipeline runner driving the Inngest serve handler, and the six pipeline steps with the offline provider',
      body: ingestionTable(result),
    });
  }
  if (wanted('search')) {
    const bulk = database.ownerUrl && opts.BENCH_CORPUS_CHUNKS > 0 ? { ownerUrl: database.ownerUrl, chunks: opts.BENCH_CORPUS_CHUNKS, otherTenantChunks: Math.ceil(opts.BENCH_CORPUS_CHUNKS / 10) } : undefined;
    // Seeding ingests its API documents through the pipeline, then search and ask run at a few connections.
    const result = await memory.measure('search: seed the corpus, then search and ask', 'ingest', () =>
      runSearchScenario(ctx, {
        apiDocuments: opts.BENCH_CORPUS_API_DOCUMENTS ?? (bulk ? 5 : 40),
        // One paragraph of bench text makes about one chunk.
        apiParagraphs: Math.max(8, Math.ceil(opts.BENCH_PGLITE_CORPUS_CHUNKS / (opts.BENCH_CORPUS_API_DOCUMENTS ?? 40))),
        otherTenants: 2,
        concurrency: opts.BENCH_SEARCH_CONCURRENCY,
        durationSeconds: opts.BENCH_SEARCH_DURATION,
        bulk,
      }),
    );
    extras.push({
      title: 'Search and ask over a seeded corpus',
      exercises: 'query embedding, RLS-scoped HNSW kNN with iterative scan plus full-text rank fused by reciprocal rank; ask adds retrieval for the answer and the NDJSON stream',
      body: searchTable(result),
    });
  }
  return extras;
}

// The local runner's own cost per step, on the same backend, once the server has stopped (so nothing competes).
function measureRunnerOverhead(root: string, database: Database): Promise<ExtraSection> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', LOG_LEVEL: 'warn' };
  if (database.backend === 'postgres' && database.env.DATABASE_URL) Object.assign(env, { DATABASE_URL: database.env.DATABASE_URL, DATABASE_DRIVER: 'pg' });
  console.log('[bench] runner overhead: 10 no-op steps per run, 20 runs');
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/bench/runner-overhead.ts', '10', '20'], { cwd: root, env, timeout: 300_000 }, (err, stdout, stderr) => {
      const output = err ? `failed: ${err.message}\n${stderr}` : stdout;
      resolve({
        title: 'Pipeline runner: per-step overhead',
        exercises:
          'scripts/bench/runner-overhead.ts: a function of 10 no-op steps run through the local runner, so all the time is the runner\'s (one serve-handler call per step plus its run and step queries)',
        body: ['```text', output.trim(), '```'].join('\n'),
      });
    });
  });
}

async function main(): Promise<void> {
  const opts = optionsSchema.parse(process.env);
  const root = process.cwd();
  const only = opts.BENCH_SCENARIOS?.split(',').map((s) => s.trim());
  const wanted = (id: string) => !only || only.includes(id);
  const scenarios = SCENARIOS.filter((s) => s.baseline || wanted(s.id));
  const load: LoadOptions = { connections: opts.BENCH_CONNECTIONS, durationSeconds: opts.BENCH_DURATION };
  const platformToken = randomBytes(24).toString('hex');
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0] ?? Number.NaN;

  const database = await prepareDatabase(opts.BENCH_DATABASE_URL);
  console.log(`[bench] database: ${database.label}`);
  let server: RunningServer | undefined;
  try {
    const nodeArgs = [
      // V8 CPU profiles of the server, written when it stops (open them in Chrome DevTools or speedscope).
      ...(opts.BENCH_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(opts.BENCH_CPU_PROFILE_DIR)}`] : []),
      // Node flags to measure against the default (e.g. --max-semi-space-size=4), passed to `node` before next's bin.
      ...(opts.BENCH_NODE_OPTIONS?.split(/\s+/).filter(Boolean) ?? []),
    ];
    server = await startServer(root, { ...benchServerEnv(platformToken), ...pipelineWorkerEnv(), ...database.env }, nodeArgs);
    console.log(`[bench] next start at ${server.baseUrl}`);
    const running = server;
    const memory = new MemorySampler(server.pid);
    await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
    memory.snapshot('idle after start');
    const ctx = benchContext(server, platformToken, database);
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      const plan = await scenario.prepare(ctx);
      // Warm-up included: the first requests load the route's modules, which is part of what the process holds.
      const { result, cpu } = await memory.measure(`${scenario.id}: ${load.connections} connections`, 'load', async () => {
        if (opts.BENCH_WARMUP > 0) await runLoad(running.baseUrl, plan, { ...load, durationSeconds: opts.BENCH_WARMUP });
        console.log(`[bench] ${scenario.title}: ${load.connections} connections for ${load.durationSeconds} s`);
        const before = { server: processCpuSeconds(running.pid), database: databaseCpuSeconds(database) };
        const measured = await runLoad(running.baseUrl, plan, load);
        const perRequest = (from: number, to: number) => ((to - from) * 1000) / Math.max(1, measured.requests);
        return {
          result: measured,
          cpu: {
            serverMs: perRequest(before.server, processCpuSeconds(running.pid)),
            databaseMs: perRequest(before.database, databaseCpuSeconds(database)),
          },
        };
      });
      if (result.non2xx + result.errors > 0) {
        console.warn(`[bench] ${scenario.id}: ${result.non2xx} non-2xx, ${result.errors} errors; status codes ${JSON.stringify(result.statusCodes)}`);
      }
      results.push({ scenario, result, cpu });
    }
    console.log(`\n${resultsTable(results)}\n`);
    const extras = await runFlowScenarios(ctx, opts, database, wanted, memory);
    await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
    memory.snapshot('idle after the scenarios');
    await new Promise((r) => setTimeout(r, IDLE_RETURN_MS));
    memory.snapshot(`idle ${(IDLE_SETTLE_MS + IDLE_RETURN_MS) / 1000} s after the scenarios`);
    extras.push({
      title: 'Memory: the server\'s resident set per phase',
      exercises: `the whole \`next start\` process (main thread, pipeline worker threads${database.backend === 'pglite' ? ', the embedded database' : ''}) through the phases above, in order${opts.BENCH_NODE_OPTIONS ? `, with node ${opts.BENCH_NODE_OPTIONS}` : ''}`,
      body: memoryTable(memory.phases, MEMORY_GOAL_MB[database.backend]),
    });
    for (const x of extras) console.log(`\n### ${x.title}\n${x.body}\n`);
    await server.stop();
    if (wanted('runner-overhead')) extras.push(await measureRunnerOverhead(root, database));
    const output = path.resolve(root, opts.BENCH_OUTPUT);
    writeReport(
      output,
      {
        backend: database.backend,
        backendLabel: database.label,
        connections: load.connections,
        durationSeconds: load.durationSeconds,
        warmupSeconds: opts.BENCH_WARMUP,
        nextVersion: nextVersion(root),
        startedAt,
        loadAtStart,
      },
      results,
      extras,
    );
    console.log(`[bench] wrote ${path.relative(root, output)}`);
  } catch (err) {
    // The server's own last lines usually say why a request failed (it crashed, it ran out of memory).
    if (server) console.error(`[bench] the server's last lines:\n${server.tail()}`);
    throw err;
  } finally {
    await server?.stop();
    await database.cleanup();
  }
}

main().catch((err: unknown) => {
  const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
  console.error(`[bench] failed: ${err instanceof Error ? err.message : String(err)}${cause}`);
  process.exitCode = 1;
});
