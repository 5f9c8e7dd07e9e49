import type { IntegrationProvider, OAuthProviderConfig } from './provider';

// Connectors register their config when lib/integrations/providers.ts imports them. Kept on globalThis because
// Next loads instrumentation and route bundles as separate module graphs in one process. The last registration
// for a provider wins, so a test can point one at a fake OAuth server.
const holder = globalThis as typeof globalThis & { __reflexIntegrationProviders?: Map<IntegrationProvider, OAuthProviderConfig> };

function registry(): Map<IntegrationProvider, OAuthProviderConfig> {
  holder.__reflexIntegrationProviders ??= new Map();
  return holder.__reflexIntegrationProviders;
}

export function registerProvider(config: OAuthProviderConfig): void {
  registry().set(config.provider, config);
}

export class ProviderNotRegisteredError extends Error {
  constructor(readonly provider: IntegrationProvider) {
    super(`The ${provider} connector is not installed in this build`);
    this.name = 'ProviderNotRegisteredError';
  }
}

export function getProvider(p: IntegrationProvider): OAuthProviderConfig {
  const config = registry().get(p);
  if (!config) throw new ProviderNotRegisteredError(p);
  return config;
}

export function findProvider(p: IntegrationProvider): OAuthProviderConfig | null {
  return registry().get(p) ?? null;
}

// Configured: the deployment set the client id and secret, so people can connect.
export function isProviderConfigured(config: OAuthProviderConfig): boolean {
  return Boolean(config.clientId() && config.clientSecret());
}

// Tests only: forget a provider registered by a test.
export function unregisterProvider(p: IntegrationProvider): void {
  registry().delete(p);
}
