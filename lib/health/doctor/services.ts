import { createClient } from '@vercel/kv';
import type { Env } from '@/lib/env';
import { kvRestConfig, type KvRestConfig } from '@/lib/kv/client';
import { errorText, line, withTimeout, type DoctorLine } from './types';

const NETWORK_TIMEOUT_MS = 4_000;

export async function checkKv(env: Env): Promise<DoctorLine[]> {
  let creds: KvRestConfig | null;
  try {
    creds = kvRestConfig(env);
  } catch (err) {
    return [line('KV', 'fail', errorText(err), 'set both variables of the pair, or neither')];
  }
  if (!creds) {
    return env.VERCEL
      ? [line('KV', 'fail', 'no KV configured: rate limits and caches would be per serverless instance', 'add Upstash Redis (Vercel Marketplace) and set KV_REST_API_URL and KV_REST_API_TOKEN')]
      : [line('KV', 'ok', 'in-process store and rate limiter (single instance)')];
  }
  try {
    const kv = createClient({ url: creds.url, token: creds.token, retry: false, enableAutoPipelining: false, enableTelemetry: false });
    const answer = await withTimeout(NETWORK_TIMEOUT_MS, 'PING', () => kv.ping());
    return [line('KV', answer === 'PONG' ? 'ok' : 'fail', `PING ${new URL(creds.url).host}: ${answer}`)];
  } catch (err) {
    return [line('KV', 'fail', `PING ${new URL(creds.url).host} failed: ${errorText(err)}`, 'check KV_REST_API_URL and KV_REST_API_TOKEN (the read-write token)')];
  }
}

// Inngest signing keys look like `signkey-<env>-<hex>`; event keys are long opaque strings.
const SIGNING_KEY_RE = /^signkey-(prod|test|branch)-[0-9a-f]{32,}$/i;
const EVENT_KEY_RE = /^[A-Za-z0-9_-]{20,}$/;

export function checkInngest(env: Env): DoctorLine[] {
  const configured = Boolean(env.INNGEST_EVENT_KEY || env.INNGEST_SIGNING_KEY || env.INNGEST_BASE_URL);
  if (!configured) {
    return env.VERCEL
      ? [line('Pipelines', 'fail', 'no Inngest configured: the local runner is refused on Vercel', 'install the Inngest integration (Vercel Marketplace) or set INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY')]
      : [line('Pipelines', 'ok', 'local runner (in-process, state in the database)')];
  }
  if (env.INNGEST_DEV) {
    return env.VERCEL
      ? [line('Pipelines', 'fail', 'INNGEST_DEV is set on Vercel: events would go to a dev server', 'unset INNGEST_DEV and set INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY')]
      : [line('Pipelines', 'ok', `Inngest dev server at ${env.INNGEST_BASE_URL ?? 'http://127.0.0.1:8288'}`)];
  }
  const out: DoctorLine[] = [];
  if (!env.INNGEST_EVENT_KEY) out.push(line('Pipelines', 'fail', 'INNGEST_EVENT_KEY is missing: events cannot be sent', 'set INNGEST_EVENT_KEY (Inngest dashboard → Manage → Event keys)'));
  else if (!EVENT_KEY_RE.test(env.INNGEST_EVENT_KEY)) out.push(line('Pipelines', 'fail', 'INNGEST_EVENT_KEY does not look like an Inngest event key', 'copy the key again without quotes or spaces'));
  else out.push(line('Pipelines', 'ok', 'INNGEST_EVENT_KEY present'));
  if (!env.INNGEST_SIGNING_KEY) out.push(line('Pipelines', 'fail', 'INNGEST_SIGNING_KEY is missing: /api/inngest cannot verify Inngest', 'set INNGEST_SIGNING_KEY (Inngest dashboard → Manage → Signing key)'));
  else if (!SIGNING_KEY_RE.test(env.INNGEST_SIGNING_KEY)) out.push(line('Pipelines', 'fail', 'INNGEST_SIGNING_KEY does not look like signkey-<env>-<hex>', 'copy the signing key again'));
  else out.push(line('Pipelines', 'ok', 'INNGEST_SIGNING_KEY present and well-formed'));
  return out;
}

export type Fetch = typeof fetch;

// A GET that costs nothing (listing models or transcripts) and proves both reachability and the key.
async function probeEndpoint(fetchImpl: Fetch, area: string, url: string, headers: Record<string, string>, fixVar: string): Promise<DoctorLine> {
  const host = new URL(url).host;
  try {
    const res = await withTimeout(NETWORK_TIMEOUT_MS, `GET ${host}`, (signal) => fetchImpl(url, { method: 'GET', headers, signal }));
    await res.body?.cancel();
    if (res.ok) return line(area, 'ok', `${host} reachable, key accepted`);
    if (res.status === 401 || res.status === 403) return line(area, 'fail', `${host} refused the key (HTTP ${res.status})`, `check ${fixVar}`);
    return line(area, 'warn', `${host} answered HTTP ${res.status}`);
  } catch (err) {
    return line(area, 'fail', `${host} unreachable: ${errorText(err)}`, `check the network path to ${host}, or unset the provider's variables to run without it`);
  }
}

export async function checkAiProviders(env: Env, fetchImpl: Fetch = fetch): Promise<DoctorLine[]> {
  const out: DoctorLine[] = [];
  if (env.OPENAI_API_KEY) {
    const base = (env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1').replace(/\/$/, '');
    out.push(await probeEndpoint(fetchImpl, 'AI: OpenAI', `${base}/models`, { authorization: `Bearer ${env.OPENAI_API_KEY}` }, 'OPENAI_API_KEY'));
  }
  if (env.ASSEMBLYAI_API_KEY) {
    const base = (env.ASSEMBLYAI_BASE_URL ?? 'https://api.assemblyai.com').replace(/\/$/, '');
    out.push(await probeEndpoint(fetchImpl, 'AI: AssemblyAI', `${base}/v2/transcript?limit=1`, { authorization: env.ASSEMBLYAI_API_KEY }, 'ASSEMBLYAI_API_KEY'));
  }
  if (env.SELF_HOSTED_AI_URL) {
    const base = env.SELF_HOSTED_AI_URL.replace(/\/$/, '');
    const headers: Record<string, string> = env.SELF_HOSTED_AI_KEY ? { authorization: `Bearer ${env.SELF_HOSTED_AI_KEY}` } : {};
    out.push(await probeEndpoint(fetchImpl, 'AI: self-hosted', `${base}/models`, headers, 'SELF_HOSTED_AI_URL and SELF_HOSTED_AI_KEY'));
  }
  if (out.length === 0) out.push(line('AI', 'ok', 'offline provider only (lower quality, no speech-to-text): set OPENAI_API_KEY, ASSEMBLYAI_API_KEY or SELF_HOSTED_AI_URL for more'));
  return out;
}

export function checkFilesAndSecrets(env: Env): DoctorLine[] {
  const out: DoctorLine[] = [];
  if (env.BLOB_READ_WRITE_TOKEN) {
    out.push(
      /^vercel_blob_rw_/.test(env.BLOB_READ_WRITE_TOKEN)
        ? line('Files', 'ok', 'Vercel Blob token present')
        : line('Files', 'fail', 'BLOB_READ_WRITE_TOKEN does not look like a Vercel Blob read-write token (vercel_blob_rw_…)', 'connect a Blob store to the project and copy its token'),
    );
  } else {
    out.push(
      env.VERCEL
        ? line('Files', 'fail', 'no Blob store: uploads would go to a serverless disk that does not last', 'create a Vercel Blob store (Storage tab) so BLOB_READ_WRITE_TOKEN is set')
        : line('Files', 'ok', `local disk at ${env.BLOB_DIR}`),
    );
  }
  const production = env.VERCEL || env.NODE_ENV === 'production';
  if (!env.BETTER_AUTH_SECRET) {
    out.push(
      env.VERCEL || (production && env.DATABASE_URL)
        ? line('Auth', 'fail', 'BETTER_AUTH_SECRET is missing: sessions cannot be signed', 'set BETTER_AUTH_SECRET to 32+ random characters (openssl rand -base64 32)')
        : line('Auth', 'ok', 'embedded default: a generated secret is kept in .data/auth-secret'),
    );
  } else {
    out.push(line('Auth', 'ok', 'BETTER_AUTH_SECRET set'));
  }
  if (env.VERCEL && !env.APP_URL) out.push(line('Auth', 'warn', 'APP_URL is not set: invitation links use the request host', 'set APP_URL to the public https:// address'));
  if (!env.PLATFORM_ADMIN_TOKEN) out.push(line('Platform', 'warn', 'PLATFORM_ADMIN_TOKEN is not set: /api/platform (provisioning, maintenance) is switched off', 'set PLATFORM_ADMIN_TOKEN to 24+ random characters'));
  else out.push(line('Platform', 'ok', 'PLATFORM_ADMIN_TOKEN set'));
  if (production && !env.METRICS_TOKEN) out.push(line('Metrics', 'warn', '/api/metrics is switched off (404) until METRICS_TOKEN is set', 'set METRICS_TOKEN and give it to your scraper as a Bearer token'));
  if (!env.BACKUP_ENCRYPTION_KEY) {
    out.push(
      production
        ? line('Backups', 'fail', 'BACKUP_ENCRYPTION_KEY is missing: backups and restore drills are refused', 'set BACKUP_ENCRYPTION_KEY (openssl rand -base64 32) and keep a copy outside the deployment')
        : line('Backups', 'ok', `development: a generated backup key is kept in ${env.BACKUP_KEY_FILE}`),
    );
  } else {
    out.push(line('Backups', 'ok', `encrypted; daily at "${env.BACKUP_SCHEDULE}", kept ${env.BACKUP_KEEP_DAYS} days`));
  }
  if (env.MAINTENANCE_MODE) out.push(line('Maintenance', 'warn', 'MAINTENANCE_MODE is on: writes answer 503', 'unset MAINTENANCE_MODE when done'));
  return out;
}
