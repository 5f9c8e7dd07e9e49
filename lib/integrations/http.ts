// STUB (drive branch): replaced by the integrations framework (branch integ) at merge.
import type { IntegrationProvider } from './provider';

export class ProviderRetryLater extends Error {
  constructor(
    readonly seconds: number,
    message: string,
  ) {
    super(message);
  }
}

export async function providerFetch(_provider: IntegrationProvider, url: string, init: RequestInit): Promise<Response> {
  const res = await fetch(url, init);
  if (res.status === 429 || res.status >= 500) throw new ProviderRetryLater(Number(res.headers.get('retry-after') ?? '60'), `HTTP ${res.status}`);
  return res;
}
