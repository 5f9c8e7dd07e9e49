import { createClient, type VercelKV } from '@vercel/kv';
import type { Env } from '@/lib/env';

export interface KvRestConfig {
  url: string;
  token: string;
  /** Which pair of variables supplied it, for the startup log and error messages. */
  source: 'KV_REST_API' | 'UPSTASH_REDIS_REST';
}

// How long one KV round trip may take before the caller's failure policy decides (lib/ratelimit/limits.ts).
// Upstash answers in single-digit milliseconds from the same region; a second means it is not answering.
export const KV_TIMEOUT_MS = 1_000;

// Vercel's integration sets KV_REST_API_*; a plain Upstash database gives UPSTASH_REDIS_REST_*. Half a pair is
// a misconfiguration, and it fails fast rather than silently falling back to the in-process store.
export function kvRestConfig(env: Env): KvRestConfig | null {
  const pairs = [
    { source: 'KV_REST_API' as const, url: env.KV_REST_API_URL, token: env.KV_REST_API_TOKEN },
    { source: 'UPSTASH_REDIS_REST' as const, url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN },
  ];
  for (const p of pairs) {
    if (p.url && p.token) return { url: p.url, token: p.token, source: p.source };
    if (p.url || p.token) {
      throw new Error(`${p.source}_URL and ${p.source}_TOKEN must be set together (only one of them is set)`);
    }
  }
  return null;
}

// One attempt plus one quick retry, each aborted after KV_TIMEOUT_MS: the client's default (five retries with
// exponential backoff, no timeout) would hold a request for seconds before any failure policy could act.
export function createKvClient(config: Pick<KvRestConfig, 'url' | 'token'>, timeoutMs = KV_TIMEOUT_MS): VercelKV {
  return createClient({
    url: config.url,
    token: config.token,
    retry: { retries: 1, backoff: () => 50 },
    signal: () => AbortSignal.timeout(timeoutMs),
    enableTelemetry: false,
  });
}
