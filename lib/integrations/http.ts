import type { IntegrationProvider } from './provider';

// The provider said "not now" (429, or a 5xx): the sync function turns this into Inngest's RetryAfterError
// (inngest/functions/integrations/sync-helpers.ts), so the run waits as long as the provider asked and no longer.
export class ProviderRetryLater extends Error {
  constructor(
    readonly seconds: number,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderRetryLater';
  }
}

// The provider refused the access token (HTTP 401). withAccessToken (lib/integrations/connections.ts) refreshes once
// and retries; a connector using an SDK may throw this itself when its SDK reports an expired token.
export class ProviderUnauthorized extends Error {
  constructor(
    readonly provider: IntegrationProvider,
    message = `${provider} refused the access token`,
  ) {
    super(message);
    this.name = 'ProviderUnauthorized';
  }
}

const DEFAULT_RETRY_SECONDS = { rateLimited: 60, unavailable: 30 } as const;
const MAX_RETRY_SECONDS = 3_600;

// Retry-After is either delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). Anything else: our default.
export function parseRetryAfter(value: string | null, fallback: number, now = Date.now()): number {
  if (!value) return fallback;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Math.max(Number(trimmed), 1), MAX_RETRY_SECONDS);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return fallback;
  return Math.min(Math.max(Math.ceil((at - now) / 1000), 1), MAX_RETRY_SECONDS);
}

// Throws ProviderRetryLater for 429 and 5xx; any other response is the caller's to read.
export function assertNotRetryLater(provider: IntegrationProvider, url: string, res: Response): void {
  if (res.status !== 429 && res.status < 500) return;
  const rateLimited = res.status === 429;
  const seconds = parseRetryAfter(res.headers.get('retry-after'), rateLimited ? DEFAULT_RETRY_SECONDS.rateLimited : DEFAULT_RETRY_SECONDS.unavailable);
  const what = rateLimited ? 'is rate limiting us' : `answered ${res.status}`;
  throw new ProviderRetryLater(seconds, `${provider} ${what} (${new URL(url).pathname}); retrying in ${seconds}s`);
}

// fetch for a provider's API: 429 and 5xx become ProviderRetryLater (with the provider's Retry-After), 401 becomes
// ProviderUnauthorized; every other response is returned as is. A network failure propagates (Inngest retries it).
export async function providerFetch(provider: IntegrationProvider, url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, init);
  assertNotRetryLater(provider, url, res);
  if (res.status === 401) {
    await res.body?.cancel();
    throw new ProviderUnauthorized(provider);
  }
  return res;
}
