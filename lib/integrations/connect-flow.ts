import type { Principal } from '@/lib/auth/principal';
import { actorOf } from '@/lib/audit/events';
import type { Tx } from '@/lib/db/types';
import { getEnv } from '@/lib/env';
import { notFound } from '@/lib/http/errors';
import { logger } from '@/lib/log';
import { recordIntegrationEvent } from './audit';
import { ProviderRetryLater } from './http';
import { consumeState, exchangeCode, OAUTH_STATE_COOKIE, OAuthFlowError, startAuthorization } from './oauth';
import { providerFromSlug, providerSlug, type IntegrationProvider, type ProviderTokenSet } from './provider';
import { findProvider, isProviderConfigured } from './registry';
import { saveConnection } from './store';
import './providers';

// The browser side of OAuth: /api/integrations/{provider}/connect and …/callback. Both answer with a redirect; the
// callback always lands on the Integrations settings page, with ?connected= or ?error= (lib/integrations/messages.ts).

const STATE_COOKIE_SECONDS = 600;
export const SETTINGS_PATH = '/app/settings/integrations';

export interface RedirectOutcome {
  location: string;
  setCookie: string | null;
  // Set when a connection was stored: announced (integration/connected) once the transaction committed.
  connected?: { tenantId: string; connectionId: string; provider: IntegrationProvider };
}

// Where the provider sends people back must be the address they reach us at: APP_URL when set (behind a proxy),
// otherwise the request's own origin.
export function publicOrigin(requestUrl: string): string {
  const appUrl = getEnv().APP_URL;
  return appUrl ? new URL(appUrl).origin : new URL(requestUrl).origin;
}

export function callbackUrl(origin: string, provider: IntegrationProvider): string {
  return `${origin}/api/integrations/${providerSlug(provider)}/callback`;
}

function settingsUrl(origin: string, params: Record<string, string>): string {
  const url = new URL(SETTINGS_PATH, origin);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

const cookieName = (provider: IntegrationProvider) => `${OAUTH_STATE_COOKIE}_${provider}`;

// HttpOnly and SameSite=Lax: the provider's redirect back is a top-level GET navigation, which Lax lets through.
function stateCookie(origin: string, provider: IntegrationProvider, value: string, maxAge: number): string {
  const secure = origin.startsWith('https:') ? '; Secure' : '';
  return `${cookieName(provider)}=${value}; Path=/api/integrations; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}

export function readStateCookie(cookieHeader: string | null, provider: IntegrationProvider): string | null {
  if (!cookieHeader) return null;
  const name = cookieName(provider);
  for (const part of cookieHeader.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=') || null;
  }
  return null;
}

export function requireProviderSlug(slug: string): IntegrationProvider {
  const provider = providerFromSlug(slug);
  if (!provider) throw notFound('Integration provider');
  return provider;
}

export async function beginConnect(tx: Tx, input: { tenantId: string; userId: string | null; slug: string; origin: string }): Promise<RedirectOutcome> {
  const provider = requireProviderSlug(input.slug);
  const config = findProvider(provider);
  const fail = (error: string): RedirectOutcome => ({ location: settingsUrl(input.origin, { error, provider: providerSlug(provider) }), setCookie: null });
  if (!config) return fail('not_installed');
  const clientId = config.clientId();
  if (!clientId || !isProviderConfigured(config)) return fail('not_configured');
  const started = await startAuthorization(tx, { tenantId: input.tenantId, userId: input.userId, config, clientId, redirectUri: callbackUrl(input.origin, provider) });
  return { location: started.authorizeUrl, setCookie: stateCookie(input.origin, provider, started.state, STATE_COOKIE_SECONDS) };
}

export type PreparedCallback =
  | { provider: IntegrationProvider; ok: true; tokens: ProviderTokenSet }
  | { provider: IntegrationProvider; ok: false; reason: string; providerCode: string | null };

const STATE_REASONS: Record<string, string> = { unknown_state: 'invalid_state', wrong_user: 'invalid_state', wrong_provider: 'invalid_state' };

// Before the request's transaction: the state is consumed in a short transaction of its own (so it is gone even if
// what follows fails), and the code is exchanged with no transaction open (a provider round trip).
export async function prepareCallback(input: {
  slug: string;
  query: { code?: string; state?: string; error?: string };
  cookieHeader: string | null;
  tenantId: string;
  userId: string | null;
  inTenant: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
}): Promise<PreparedCallback> {
  const provider = requireProviderSlug(input.slug);
  const failed = (reason: string, providerCode: string | null = null): PreparedCallback => ({ provider, ok: false, reason, providerCode });
  const config = findProvider(provider);
  if (!config) return failed('not_installed');
  const { state, code, error } = input.query;
  if (!state) return failed('invalid_state');
  const consumed = await input.inTenant((tx) =>
    consumeState(tx, { tenantId: input.tenantId, provider, state, cookieState: readStateCookie(input.cookieHeader, provider), userId: input.userId }),
  );
  if (!consumed.ok) return failed(STATE_REASONS[consumed.reason] ?? consumed.reason);
  if (error) return failed(error === 'access_denied' ? 'denied' : 'provider_error', error.slice(0, 100));
  if (!code) return failed('missing_code');
  try {
    const tokens = await exchangeCode(config, { code, redirectUri: consumed.redirectUri, codeVerifier: consumed.codeVerifier });
    return { provider, ok: true, tokens };
  } catch (err) {
    logger.warn('integration code exchange failed', { provider, error: err instanceof Error ? err.message : String(err) });
    if (err instanceof OAuthFlowError) return failed(err.code === 'not_configured' ? 'not_configured' : 'exchange_failed', err.code.slice(0, 100));
    if (err instanceof ProviderRetryLater) return failed('provider_unavailable');
    return failed('provider_unavailable', 'network');
  }
}

export async function finishCallback(
  tx: Tx,
  input: { prepared: PreparedCallback; tenantId: string; principal: Principal; origin: string; requestId: string },
): Promise<RedirectOutcome> {
  const { prepared } = input;
  const slug = providerSlug(prepared.provider);
  const clearCookie = stateCookie(input.origin, prepared.provider, '', 0);
  const actor = actorOf(input.principal);
  if (!prepared.ok) {
    await recordIntegrationEvent(tx, {
      action: 'integration.connectFailed',
      outcome: 'failure',
      actor,
      connectionId: null,
      provider: prepared.provider,
      requestId: input.requestId,
      metadata: { reason: prepared.reason, providerCode: prepared.providerCode },
    });
    return { location: settingsUrl(input.origin, { error: prepared.reason, provider: slug }), setCookie: clearCookie };
  }
  const userId = input.principal.kind === 'user' ? input.principal.userId : null;
  const saved = await saveConnection(tx, { tenantId: input.tenantId, provider: prepared.provider, tokens: prepared.tokens, connectedBy: userId });
  await recordIntegrationEvent(tx, {
    action: 'integration.connected',
    actor,
    connectionId: saved.id,
    provider: prepared.provider,
    requestId: input.requestId,
    metadata: { reconnected: !saved.created },
  });
  return {
    location: settingsUrl(input.origin, { connected: slug }),
    setCookie: clearCookie,
    connected: { tenantId: input.tenantId, connectionId: saved.id, provider: prepared.provider },
  };
}
