import type { IntegrationProvider, OAuthProviderConfig } from './provider';

// STUB until the framework (branch integ) is merged.
const configs = new Map<IntegrationProvider, OAuthProviderConfig>();

export function registerProvider(config: OAuthProviderConfig): void {
  configs.set(config.provider, config);
}

export function getProvider(p: IntegrationProvider): OAuthProviderConfig {
  const config = configs.get(p);
  if (!config) throw new Error(`No integration provider registered for ${p}`);
  return config;
}
