// STUB until branch `integ` lands (see /work/wt/INTEGRATIONS.md); replaced by the framework's file at merge.
import type { IntegrationProvider, OAuthProviderConfig } from './provider';

const providers = new Map<IntegrationProvider, OAuthProviderConfig>();

export function registerProvider(config: OAuthProviderConfig): void {
  providers.set(config.provider, config);
}

export function getProvider(p: IntegrationProvider): OAuthProviderConfig {
  const config = providers.get(p);
  if (!config) throw new Error(`integration provider ${p} is not registered`);
  return config;
}
