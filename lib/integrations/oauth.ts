import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import { integrationOauthStates } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { decryptToken, encryptToken, tokenAad } from './crypto';
import { assertNotRetryLater } from './http';
import type { IntegrationProvider, OAuthProviderConfig, ProviderTokenSet, RefreshedTokenSet } from './provider';

// OAuth 2.0 authorization code flow (RFC 6749) with PKCE S256 (RFC 7636) where the provider supports it, token
// refresh (section 6) and revocation (RFC 7009). Client authentication is client_secret_post, which Slack, Google
// and Asana all accept. Token responses are parsed by each connector (providers answer in their own shapes).

const STATE_TTL_MS = 10 * 60_000;

export const OAUTH_STATE_COOKIE = 'reflex_oauth_state';

const hashState = (state: string) => createHash('sha256').update(state).digest('hex');

function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

// Thrown when a provider's OAuth endpoint refuses or answers nonsense; `code` is the provider's error code when it
// sent one (invalid_grant, access_denied, ...), for the audit log.
export class OAuthFlowError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'OAuthFlowError';
  }
}

export interface StartedAuthorization {
  authorizeUrl: string;
  state: string;
}

export async function startAuthorization(
  tx: Tx,
  input: { tenantId: string; userId: string | null; config: OAuthProviderConfig; redirectUri: string; clientId: string; now?: Date },
): Promise<StartedAuthorization> {
  const now = input.now ?? new Date();
  // Expired attempts of this organization go first; there are never many (each lives ten minutes).
  await tx.delete(integrationOauthStates).where(lt(integrationOauthStates.expiresAt, now));
  const id = randomUUID();
  const state = randomBytes(32).toString('base64url');
  const verifier = input.config.pkce ? randomBytes(32).toString('base64url') : null;
  await tx.insert(integrationOauthStates).values({
    tenantId: input.tenantId,
    id,
    provider: input.config.provider,
    stateHash: hashState(state),
    userId: input.userId,
    codeVerifierCiphertext: verifier ? encryptToken(verifier, tokenAad(input.tenantId, id, 'pkce')) : null,
    redirectUri: input.redirectUri,
    expiresAt: new Date(now.getTime() + STATE_TTL_MS),
  });
  const url = new URL(input.config.authorizeUrl());
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('scope', input.config.scopes.join(input.config.scopeSeparator ?? ' '));
  url.searchParams.set('state', state);
  if (verifier) {
    url.searchParams.set('code_challenge', pkceChallenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  for (const [k, v] of Object.entries(input.config.extraAuthorizeParams ?? {})) url.searchParams.set(k, v);
  return { authorizeUrl: url.toString(), state };
}

export type ConsumedState =
  | { ok: true; redirectUri: string; codeVerifier: string | null }
  | { ok: false; reason: 'unknown_state' | 'expired_state' | 'wrong_browser' | 'wrong_user' | 'wrong_provider' };

// Single use: the row is deleted whatever the outcome, so a replayed callback finds nothing. The state must also be
// the one this browser's cookie holds (a link started elsewhere cannot complete here) and the same person's.
export async function consumeState(
  tx: Tx,
  input: { tenantId: string; provider: IntegrationProvider; state: string; cookieState: string | null; userId: string | null; now?: Date },
): Promise<ConsumedState> {
  const [row] = await tx.delete(integrationOauthStates).where(eq(integrationOauthStates.stateHash, hashState(input.state))).returning();
  if (!row) return { ok: false, reason: 'unknown_state' };
  if (row.expiresAt.getTime() < (input.now ?? new Date()).getTime()) return { ok: false, reason: 'expired_state' };
  if (input.cookieState !== input.state) return { ok: false, reason: 'wrong_browser' };
  if (row.userId !== input.userId) return { ok: false, reason: 'wrong_user' };
  if (row.provider !== input.provider) return { ok: false, reason: 'wrong_provider' };
  const codeVerifier = row.codeVerifierCiphertext ? decryptToken(row.codeVerifierCiphertext, tokenAad(input.tenantId, row.id, 'pkce')) : null;
  return { ok: true, redirectUri: row.redirectUri, codeVerifier };
}

const oauthErrorSchema = z.object({ error: z.string().min(1), error_description: z.string().optional() });
// Slack answers 200 with { ok: false, error } instead of an HTTP error.
const slackStyleErrorSchema = z.object({ ok: z.literal(false), error: z.string().min(1) });

function providerErrorOf(json: unknown): { code: string; description: string | null } | null {
  const slack = slackStyleErrorSchema.safeParse(json);
  if (slack.success) return { code: slack.data.error, description: null };
  const std = oauthErrorSchema.safeParse(json);
  if (std.success) return { code: std.data.error, description: std.data.error_description ?? null };
  return null;
}

async function postTokenEndpoint(config: OAuthProviderConfig, url: string, params: Record<string, string>): Promise<unknown> {
  const clientId = config.clientId();
  const clientSecret = config.clientSecret();
  if (!clientId || !clientSecret) throw new OAuthFlowError('not_configured', `${config.label} is not configured on this server`);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ ...params, client_id: clientId, client_secret: clientSecret }),
  });
  assertNotRetryLater(config.provider, url, res);
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new OAuthFlowError('invalid_response', `${config.label} answered ${res.status} with something other than JSON`);
  }
  const error = providerErrorOf(json);
  if (error) throw new OAuthFlowError(error.code, `${config.label} refused: ${error.code}${error.description ? ` (${error.description})` : ''}`);
  if (!res.ok) throw new OAuthFlowError('http_error', `${config.label} answered ${res.status}`);
  return json;
}

export async function exchangeCode(config: OAuthProviderConfig, input: { code: string; redirectUri: string; codeVerifier: string | null }): Promise<ProviderTokenSet> {
  const params: Record<string, string> = { grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri };
  if (input.codeVerifier) params.code_verifier = input.codeVerifier;
  const json = await postTokenEndpoint(config, config.tokenUrl(), params);
  try {
    return config.parseTokenResponse(json);
  } catch (err) {
    throw new OAuthFlowError('invalid_response', `${config.label}'s token response could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const standardRefreshSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().int().positive().optional(),
  scope: z.string().optional(),
});

function parseStandardRefresh(json: unknown): RefreshedTokenSet {
  const r = standardRefreshSchema.parse(json);
  return { accessToken: r.access_token, refreshToken: r.refresh_token ?? null, expiresInSeconds: r.expires_in ?? null, scope: r.scope ?? null };
}

// The refresh token itself is no longer accepted: only the person can fix that, by reconnecting.
const REVOKED_CODES = new Set(['invalid_grant', 'invalid_refresh_token', 'token_revoked', 'token_expired', 'invalid_auth', 'unauthorized_client']);

export function isRevokedRefresh(err: unknown): boolean {
  return err instanceof OAuthFlowError && REVOKED_CODES.has(err.code);
}

export async function refreshTokens(config: OAuthProviderConfig, refreshToken: string): Promise<RefreshedTokenSet> {
  const json = await postTokenEndpoint(config, config.tokenUrl(), { grant_type: 'refresh_token', refresh_token: refreshToken });
  try {
    return (config.parseRefreshResponse ?? parseStandardRefresh)(json);
  } catch (err) {
    throw new OAuthFlowError('invalid_response', `${config.label}'s refresh response could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// RFC 7009: revoking the refresh token also ends the access tokens issued from it (Google, Asana); Slack's
// auth.revoke takes the access token. Best effort: the caller removes our copy whatever the provider says.
export async function revokeAtProvider(config: OAuthProviderConfig, tokens: { accessToken: string | null; refreshToken: string | null }): Promise<boolean> {
  if (!config.revokeUrl) return false;
  const token = tokens.refreshToken ?? tokens.accessToken;
  if (!token) return false;
  await postTokenEndpoint(config, config.revokeUrl(), { token, token_type_hint: tokens.refreshToken ? 'refresh_token' : 'access_token' });
  return true;
}
