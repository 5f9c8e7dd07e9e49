// The shape every connector fills in (the contract in INTEGRATIONS.md): the framework runs OAuth, keeps the tokens and
// refreshes them from this, and each connector parses its own provider's token response.

export const INTEGRATION_PROVIDERS = ['slack', 'google_drive', 'asana'] as const;
export type IntegrationProvider = (typeof INTEGRATION_PROVIDERS)[number];

export interface ProviderTokenSet {
  accessToken: string;
  refreshToken: string | null;
  expiresInSeconds: number | null;
  scope: string | null;
  // The workspace / account the install belongs to (Slack team id, Google account email, Asana workspace gid).
  externalAccountId: string;
  externalAccountName: string;
}

// What a refresh answers: the same tokens without the account (Google's refresh response does not name it).
export type RefreshedTokenSet = Pick<ProviderTokenSet, 'accessToken' | 'refreshToken' | 'expiresInSeconds' | 'scope'>;

export interface OAuthProviderConfig {
  provider: IntegrationProvider;
  label: string; // 'Slack', 'Google Drive', 'Asana'
  authorizeUrl: () => string;
  tokenUrl: () => string;
  revokeUrl: (() => string) | null;
  scopes: readonly string[];
  pkce: boolean;
  extraAuthorizeParams?: Record<string, string>;
  clientId: () => string | undefined; // from env
  clientSecret: () => string | undefined;
  envVars: readonly string[]; // named on the settings page when not configured
  // Provider token responses differ (Slack oauth.v2.access, Google, Asana): each connector parses its own.
  parseTokenResponse: (json: unknown) => ProviderTokenSet;
  // Optional: a refresh response in a provider-specific shape. Without it, the standard OAuth 2.0 shape is read
  // (access_token, refresh_token, expires_in, scope; RFC 6749 section 5.1).
  parseRefreshResponse?: (json: unknown) => RefreshedTokenSet;
  // Optional: how the scope list is joined in the authorize URL (RFC 6749 says a space; Slack wants a comma).
  scopeSeparator?: string;
}

// The URL segment of a provider: google_drive is /api/integrations/google-drive/…
export function providerSlug(provider: IntegrationProvider): string {
  return provider.replace(/_/g, '-');
}

export function providerFromSlug(slug: string): IntegrationProvider | null {
  const id = slug.replace(/-/g, '_');
  return INTEGRATION_PROVIDERS.find((p) => p === id) ?? null;
}
