import { createClient } from '@vercel/kv';
import { sql } from 'drizzle-orm';
import type { DbHandle } from '@/lib/db/client';
import type { Env } from '@/lib/env';
import { kvRestConfig, type KvRestConfig } from '@/lib/kv/client';
import { logger } from '@/lib/log';
import { aiCircuitState } from './ai-circuits';
import type { Probe, ProbeOutcome } from './checks';

// Readiness answers in public (/api/health/ready, /status): it says what is wrong, never which variables are set
// or missing (that maps the deployment for an attacker); `npm run doctor`, run by the operator, names them.
const DOCTOR = '(run npm run doctor for what to set)';

// Say what kind of failure it is, never the message (hosts, users, paths).
export function describeFailure(err: unknown): string {
  // drizzle wraps driver errors (DrizzleQueryError): the code is on the cause.
  const layers = [err, err instanceof Error ? err.cause : undefined];
  const code = layers.map((e) => (typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '')).join(' ');
  const text = layers.map((e) => (e instanceof Error ? e.message : String(e ?? ''))).join(' ');
  const has = (re: RegExp) => re.test(code) || re.test(text);
  if (has(/ECONNREFUSED/)) return 'connection refused';
  if (has(/ENOTFOUND|EAI_AGAIN/)) return 'host not found';
  if (has(/ETIMEDOUT|timeout|timed out/i)) return 'timed out';
  if (has(/28P01|28000|password authentication|authentication failed/i)) return 'authentication failed';
  if (has(/3D000/)) return 'database does not exist';
  if (has(/unauthori[sz]ed|WRONGPASS/i)) return 'credentials refused';
  return 'check failed';
}

function failed(component: string, err: unknown): ProbeOutcome {
  const detail = describeFailure(err);
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
  logger.warn('readiness check failed', { component, detail, error: err instanceof Error ? err.message : String(err), cause });
  return { status: 'down', detail };
}

export interface DatabaseProbeOptions {
  backend: string;
  getHandle: () => Promise<DbHandle>;
  // How long to wait for the first open before answering "starting" (PGlite migrates at start for seconds).
  openBudgetMs?: number;
}

export function createDatabaseProbe({ backend, getHandle, openBudgetMs = 1_500 }: DatabaseProbeOptions): Probe {
  return {
    name: 'database',
    label: 'Database',
    required: true,
    backend,
    async run() {
      let handle: DbHandle | undefined;
      try {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const budget = new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), openBudgetMs);
        });
        handle = await Promise.race([getHandle(), budget]).finally(() => clearTimeout(timer));
      } catch (err) {
        return failed('database', err);
      }
      if (!handle) return { status: 'down', detail: 'starting: the database is still being opened', starting: true };
      try {
        await handle.db.execute(sql`select 1`);
        return { status: 'up', detail: 'select 1 answered' };
      } catch (err) {
        return failed('database', err);
      }
    },
  };
}

export function createKvProbe(env: Env): Probe {
  let creds: KvRestConfig | null;
  try {
    creds = kvRestConfig(env);
  } catch (err) {
    logger.warn('readiness: KV is misconfigured', { error: err instanceof Error ? err.message : String(err) });
    return { name: 'kv', label: 'Cache and rate limits', required: false, backend: 'Upstash REST', run: async () => ({ status: 'down', detail: `misconfigured ${DOCTOR}` }) };
  }
  if (!creds) {
    return {
      name: 'kv',
      label: 'Cache and rate limits',
      required: false,
      backend: 'in-process',
      async run() {
        // Serverless instances do not share memory: limits would be per instance.
        return env.VERCEL
          ? { status: 'degraded', detail: `in-process store on Vercel: limits are per instance ${DOCTOR}` }
          : { status: 'up', detail: 'in-process store (this instance only)' };
      },
    };
  }
  return {
    name: 'kv',
    label: 'Cache and rate limits',
    required: false,
    backend: 'Upstash REST',
    async run(signal) {
      // One short-lived client per check: no retries and no auto-pipelining, so the ping is one request.
      const kv = createClient({ url: creds.url, token: creds.token, retry: false, enableAutoPipelining: false, enableTelemetry: false, signal });
      try {
        const answer = await kv.ping();
        return answer === 'PONG' ? { status: 'up', detail: 'PING answered' } : { status: 'down', detail: 'unexpected PING answer' };
      } catch (err) {
        return failed('kv', err);
      }
    },
  };
}

export function createPipelinesProbe(env: Env): Probe {
  const inngest = Boolean(env.INNGEST_EVENT_KEY || env.INNGEST_BASE_URL);
  return {
    name: 'pipelines',
    label: 'Document pipelines',
    required: false,
    backend: inngest ? 'Inngest' : 'local runner',
    // Configuration only: readiness never calls out to Inngest.
    async run() {
      if (!inngest) {
        return env.VERCEL
          ? { status: 'degraded', detail: `the local runner cannot run on Vercel ${DOCTOR}` }
          : { status: 'up', detail: 'in-process runner' };
      }
      if (env.INNGEST_DEV) return { status: 'up', detail: 'Inngest dev server configured' };
      return env.INNGEST_EVENT_KEY && env.INNGEST_SIGNING_KEY
        ? { status: 'up', detail: 'Inngest keys configured' }
        : { status: 'degraded', detail: `Inngest is partly configured ${DOCTOR}` };
    },
  };
}

interface AiProviderConfig {
  name: string;
  label: string;
  configured: boolean;
  backend: string;
}

export function configuredAiProviders(env: Env): AiProviderConfig[] {
  return [
    { name: 'offline', label: 'AI: built-in offline models', configured: true, backend: 'in-process' },
    { name: 'openai', label: 'AI: OpenAI', configured: Boolean(env.OPENAI_API_KEY), backend: 'hosted API' },
    { name: 'assemblyai', label: 'AI: AssemblyAI', configured: Boolean(env.ASSEMBLYAI_API_KEY), backend: 'hosted API' },
    { name: 'self-hosted', label: 'AI: self-hosted models', configured: Boolean(env.SELF_HOSTED_AI_URL), backend: 'self-hosted endpoint' },
  ].filter((p) => p.configured);
}

// No calls to providers (they cost money and rate-limit): configuration plus this instance's circuit breaker.
export function createAiProbes(env: Env): Probe[] {
  return configuredAiProviders(env).map((p) => ({
    name: `ai:${p.name}`,
    label: p.label,
    required: false,
    backend: p.backend,
    async run(): Promise<ProbeOutcome> {
      const circuit = aiCircuitState(p.name);
      if (circuit === 'open') return { status: 'down', detail: 'circuit open: recent calls kept failing' };
      if (circuit === 'half-open') return { status: 'degraded', detail: 'circuit half-open: trying again' };
      return { status: 'up', detail: circuit === 'closed' ? 'configured; circuit closed' : 'configured' };
    },
  }));
}
