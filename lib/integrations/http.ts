// STUB until branch `integ` lands (see /work/wt/INTEGRATIONS.md); replaced by the framework's file at merge.
import type { IntegrationProvider } from './provider';

export class ProviderRetryLater extends Error {
  constructor(
    readonly seconds: number,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderRetryLater';
  }
}

export async function providerFetch(provider: IntegrationProvider, url: string, init: RequestInit): Promise<Response> {
  const res = await fetch(url, init);
  if (res.status === 429 || res.status >= 500) {
    const seconds = Number(res.headers.get('retry-after') ?? '60');
    throw new ProviderRetryLater(Number.isFinite(seconds) ? seconds : 60, `${provider} answered ${res.status}`);
  }
  return res;
}
