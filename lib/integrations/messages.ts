// Why a connect attempt failed, in words for the Integrations settings page (the callback redirects there with
// ?error=<code>&provider=<slug>). Plain data with no imports: the browser renders the same words.
export const CONNECT_ERROR_MESSAGES: Record<string, string> = {
  denied: 'You cancelled on the provider’s consent screen, so nothing was connected.',
  provider_error: 'The provider reported an error and nothing was connected. Try again; if it keeps happening, check the app’s settings at the provider.',
  invalid_state: 'This sign-in link was already used or is not from this organization. Start again from this page.',
  expired_state: 'The connection attempt took longer than ten minutes. Start again from this page.',
  wrong_browser: 'The connection was started in another browser or tab that no longer matches. Start again from this page.',
  missing_code: 'The provider sent you back without an authorization code. Start again from this page.',
  exchange_failed: 'The provider did not accept the authorization code, so nothing was connected. Start again from this page.',
  provider_unavailable: 'The provider is not answering right now. Nothing was connected; try again in a few minutes.',
  not_configured: 'This provider is not configured on this server yet: an operator needs to set its environment variables.',
  not_installed: 'This connector is not part of this version of Reflex yet.',
};

export function describeConnectError(code: string | null): string {
  if (!code) return CONNECT_ERROR_MESSAGES.provider_error ?? '';
  return CONNECT_ERROR_MESSAGES[code] ?? CONNECT_ERROR_MESSAGES.provider_error ?? '';
}
