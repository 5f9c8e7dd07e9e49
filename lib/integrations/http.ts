import type { IntegrationProvider } from './provider';

// STUB until the framework (branch integ) is merged.
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
    const seconds = Number(res.headers.get('retry-after') ?? '30');
    throw new ProviderRetryLater(Number.isFinite(seconds) ? seconds : 30, `${provider} answered ${res.status}`);
  }
  return res;
}
