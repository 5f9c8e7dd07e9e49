// `npm run bench`: throughput and latency of a production build under autocannon, written to docs/benchmarks.md.
// Expects `npm run build` to have run. See the header of docs/benchmarks.md (scripts/bench/report.ts) for knobs.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { prepareServerDatabase } from '../../tests/helpers/server-db';
import { runLoad, type LoadOptions } from './load';
import { writeReport, resultsTable, type BackendId, type ScenarioResult } from './report';
import { SCENARIOS, type BenchContext } from './scenarios';
import { startServer, type RunningServer } from './server';

const optionsSchema = z.object({
  BENCH_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'BENCH_DATABASE_URL must be a postgres:// URL').optional(),
  BENCH_CONNECTIONS: z.coerce.number().int().min(1).max(1000).default(50),
  BENCH_DURATION: z.coerce.number().int().min(1).max(600).default(10),
  BENCH_WARMUP: z.coerce.number().int().min(0).max(120).default(3),
  BENCH_SCENARIOS: z.string().optional(),
  BENCH_OUTPUT: z.string().default('docs/benchmarks.md'),
});

// The app's default (lib/env.ts), stated so the report says what was measured.
const POOL_MAX = 10;

const provisionedSchema = z.object({ tenant: z.object({ id: z.string() }), apiKey: z.object({ secret: z.string() }) });

interface Database {
  backend: BackendId;
  label: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

async function prepareDatabase(adminUrl: string | undefined): Promise<Database> {
  if (!adminUrl) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reflex-bench-'));
    return {
      backend: 'pglite',
      label: 'Embedded PGlite',
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

function benchContext(server: RunningServer, platformToken: string): BenchContext {
  let n = 0;
  return {
    baseUrl: server.baseUrl,
    platformToken,
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

async function main(): Promise<void> {
  const opts = optionsSchema.parse(process.env);
  const root = process.cwd();
  const only = opts.BENCH_SCENARIOS?.split(',').map((s) => s.trim());
  const scenarios = SCENARIOS.filter((s) => !only || s.baseline || only.includes(s.id));
  const load: LoadOptions = { connections: opts.BENCH_CONNECTIONS, durationSeconds: opts.BENCH_DURATION };
  const platformToken = randomBytes(24).toString('hex');
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0] ?? Number.NaN;

  const database = await prepareDatabase(opts.BENCH_DATABASE_URL);
  console.log(`[bench] database: ${database.label}`);
  let server: RunningServer | undefined;
  try {
    server = await startServer(root, {
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      LOG_LEVEL: 'error',
      BETTER_AUTH_SECRET: randomBytes(32).toString('hex'),
      PLATFORM_ADMIN_TOKEN: platformToken,
      // Generous limits: the bench measures the work behind the limiters, not the 429s.
      RATE_LIMIT_IP_PER_MINUTE: '10000000',
      RATE_LIMIT_API_KEY_PER_MINUTE: '10000000',
      RATE_LIMIT_AUTH_PER_MINUTE: '100000',
      ...database.env,
    });
    console.log(`[bench] next start at ${server.baseUrl}`);
    const ctx = benchContext(server, platformToken);
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      const plan = await scenario.prepare(ctx);
      if (opts.BENCH_WARMUP > 0) await runLoad(server.baseUrl, plan, { ...load, durationSeconds: opts.BENCH_WARMUP });
      console.log(`[bench] ${scenario.title}: ${load.connections} connections for ${load.durationSeconds} s`);
      const result = await runLoad(server.baseUrl, plan, load);
      if (result.non2xx + result.errors > 0) {
        console.warn(`[bench] ${scenario.id}: ${result.non2xx} non-2xx, ${result.errors} errors; status codes ${JSON.stringify(result.statusCodes)}`);
      }
      results.push({ scenario, result });
    }
    console.log(`\n${resultsTable(results)}\n`);
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
    );
    console.log(`[bench] wrote ${path.relative(root, output)}`);
  } finally {
    await server?.stop();
    await database.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(`[bench] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
