// A benchmark scenario: what to hit and how, measured the same way as every other one (scripts/bench/load.ts).
// To add one, write scripts/bench/scenarios/<name>.ts exporting a Scenario and list it in scripts/bench/scenarios/index.ts.
// Flows autocannon cannot drive (SSE delivery, ingestion until processed, streamed answers) export a run function
// and a table instead, called from runFlowScenarios() in scripts/bench/run.ts.

export interface BenchContext {
  /** http://127.0.0.1:<port> of the `next start` under test. */
  baseUrl: string;
  platformToken: string;
  /** The server process (for its CPU time, all threads); undefined if not known. */
  serverPid?: number;
  /** CPU seconds of the local PostgreSQL server so far; NaN for PGlite (inside the server) or a remote server. */
  databaseCpuSeconds?: () => number;
  /** Creates a tenant (enterprise plan) with an owner API key through the platform API. */
  provisionTenant(name: string): Promise<{ tenantId: string; apiKey: string }>;
}

export interface LoadPlan {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** Per-connection headers (connection i gets perConnectionHeaders[i % length]), e.g. one API key per tenant. */
  perConnectionHeaders?: Record<string, string>[];
}

export interface Scenario {
  id: string;
  title: string;
  /** One line for the report: what the request exercises. */
  exercises: string;
  /** The trivial route every other scenario is compared with. Exactly one scenario is the baseline. */
  baseline?: boolean;
  prepare(ctx: BenchContext): Promise<LoadPlan>;
}
