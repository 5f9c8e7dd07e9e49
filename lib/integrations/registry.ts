// STUB (drive branch): replaced by the integrations framework (branch integ) at merge.
import type { IntegrationProvider, OAuthProviderConfig } from './provider';

const providers = new Map<IntegrationProvider, OAuthProviderConfig>();

export function registerProvider(config: OAuthProviderConfig): void {
  providers.set(config.provider, config);
}

export function getProvider(p: IntegrationProvider): OAuthProviderConfig {
  const config = providers.get(p);
  if (!config) throw new Error(`provider ${p} is not registered`);
  return config;
}
