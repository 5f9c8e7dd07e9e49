// STUB until branch `integ` lands (see /work/wt/INTEGRATIONS.md); replaced by the framework's file at merge.
export const INTEGRATION_PROVIDERS = ['slack', 'google_drive', 'asana'] as const;
export type IntegrationProvider = (typeof INTEGRATION_PROVIDERS)[number];

export interface ProviderTokenSet {
  accessToken: string;
  refreshToken: string | null;
  expiresInSeconds: number | null;
  scope: string | null;
  externalAccountId: string;
  externalAccountName: string;
}

export interface OAuthProviderConfig {
  provider: IntegrationProvider;
  label: string;
  authorizeUrl: () => string;
  tokenUrl: () => string;
  revokeUrl: (() => string) | null;
  scopes: readonly string[];
  pkce: boolean;
  extraAuthorizeParams?: Record<string, string>;
  clientId: () => string | undefined;
  clientSecret: () => string | undefined;
  envVars: readonly string[];
  parseTokenResponse: (json: unknown) => ProviderTokenSet;
}
