import * as client from 'openid-client';
import { z } from 'zod';
import { AppError } from '@/lib/http/errors';
import { logger } from '@/lib/log';
import { oidcConfigOf, type ConnectionRow } from './connections';
import { randomToken } from './crypto';
import { ssoFailure, type SsoFailureReason } from './failure';
import { guardedFetch, insecureUrlsAllowed } from './fetch-metadata';
import type { SsoProfile } from './profile';

// OpenID Connect with openid-client: authorization code flow with PKCE (S256), state and nonce; the ID token's
// signature, issuer, audience, expiry and nonce are checked by openid-client. Every request to the IdP goes through
// the SSRF guard (lib/sso/fetch-metadata.ts).

const DISCOVERY_TTL_MS = 10 * 60_000;
const discoveries = new Map<string, { at: number; config: Promise<client.Configuration> }>();

// openid-client's body types are fetch's own, except that its Uint8Array may sit on a SharedArrayBuffer (it never does).
const guardedCustomFetch: client.CustomFetch = (url, options) => guardedFetch(url, { ...options, body: options.body as BodyInit | null | undefined });

// Discovery is cached per connection version: a changed connection (new issuer, id or secret) discovers again.
function configurationFor(row: ConnectionRow): Promise<client.Configuration> {
  const key = `${row.id}:${row.updatedAt.getTime()}`;
  const cached = discoveries.get(key);
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.config;
  const oidc = oidcConfigOf(row);
  const config = client
    .discovery(new URL(oidc.issuer), oidc.clientId, undefined, client.ClientSecretPost(oidc.clientSecret), {
      [client.customFetch]: guardedCustomFetch,
      execute: insecureUrlsAllowed() ? [client.allowInsecureRequests] : [],
      timeout: 10,
    })
    .catch((err: unknown) => {
      discoveries.delete(key);
      throw err;
    });
  discoveries.set(key, { at: Date.now(), config });
  return config;
}

function codeOf(err: unknown): string {
  return err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : '';
}

// The claim a comparison failed on: openid-client wraps oauth4webapi's error, whose cause names it.
function claimOf(err: unknown, depth = 0): string {
  if (!err || typeof err !== 'object' || depth > 3) return '';
  if ('claim' in err && typeof err.claim === 'string') return err.claim;
  return 'cause' in err ? claimOf(err.cause, depth + 1) : '';
}

// openid-client's errors as the reasons people and the audit log see.
export function reasonOfOidcError(err: unknown): SsoFailureReason {
  const code = codeOf(err);
  if (err instanceof AppError && err.code === 'validation_failed') return 'idp_unreachable';
  if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' || code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') {
    const claim = claimOf(err);
    if (claim === 'iss' || claim === 'issuer') return 'issuer_mismatch';
    if (claim === 'aud' || claim === 'azp') return 'audience_mismatch';
    return 'token_invalid';
  }
  if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') return 'token_expired';
  if (code === 'OAUTH_AUTHORIZATION_RESPONSE_ERROR' || code === 'OAUTH_RESPONSE_BODY_ERROR') return 'idp_error';
  if (err instanceof TypeError || code === 'ECONNREFUSED' || code === 'OAUTH_RESPONSE_IS_NOT_JSON' || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') return 'idp_unreachable';
  return 'token_invalid';
}

function failOn(err: unknown, step: string): never {
  if (err instanceof AppError && err.code === 'sso_failed') throw err;
  const reason = reasonOfOidcError(err);
  logger.warn('oidc sign-in refused', { step, reason, code: codeOf(err), error: err instanceof Error ? err.message.slice(0, 300) : String(err) });
  throw ssoFailure(reason, err instanceof Error ? err.message.slice(0, 200) : undefined);
}

/** Discovers the IdP (so a broken connection fails before the browser leaves) and makes the per-sign-in secrets. */
export async function prepareOidc(row: ConnectionRow): Promise<{ nonce: string; codeVerifier: string }> {
  try {
    await configurationFor(row);
  } catch (err) {
    failOn(err, 'discovery');
  }
  return { nonce: randomToken(), codeVerifier: client.randomPKCECodeVerifier() };
}

export async function authorizationUrl(row: ConnectionRow, input: { state: string; nonce: string; codeVerifier: string; redirectUri: string }): Promise<string> {
  const oidc = oidcConfigOf(row);
  try {
    const config = await configurationFor(row);
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: input.redirectUri,
      scope: oidc.scopes.join(' '),
      response_type: 'code',
      state: input.state,
      nonce: input.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(input.codeVerifier),
      code_challenge_method: 'S256',
    });
    return url.href;
  } catch (err) {
    failOn(err, 'authorize');
  }
}

const claimsSchema = z.looseObject({
  sub: z.string().min(1).max(512),
  email: z.string().max(320).optional(),
  email_verified: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
  name: z.string().optional(),
  preferred_username: z.string().optional(),
});

function groupsFrom(claims: Record<string, unknown>, claim: string): string[] {
  const raw = claims[claim];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  return list.filter((g): g is string => typeof g === 'string' && g.length > 0 && g.length <= 256).slice(0, 500);
}

/**
 * The callback: code exchange (with the PKCE verifier), ID token checks (signature, iss, aud, exp/iat with
 * openid-client's default 30 s tolerance, nonce), then userinfo when the IdP has one (many IdPs put email and
 * groups only there). `email_verified: false` is kept as unverified and refused by completeSsoSignIn; an IdP that
 * sends no such claim (Entra ID) is taken at its word because the address must also be in a domain the
 * organization verified through DNS.
 */
export async function finishOidc(row: ConnectionRow, callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<SsoProfile> {
  const oidc = oidcConfigOf(row);
  let claims: Record<string, unknown>;
  try {
    const config = await configurationFor(row);
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      pkceCodeVerifier: checks.codeVerifier,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw ssoFailure('token_invalid', 'no id token');
    claims = { ...idClaims };
    if (config.serverMetadata().userinfo_endpoint) {
      const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      // The ID token's claims win; userinfo fills in what it left out.
      claims = { ...info, ...idClaims };
    }
  } catch (err) {
    failOn(err, 'callback');
  }
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) throw ssoFailure('token_invalid', 'claims');
  const email = parsed.data.email;
  if (!email || !z.email().safeParse(email).success) throw ssoFailure('email_missing');
  const verified = parsed.data.email_verified;
  return {
    subject: parsed.data.sub,
    email: email.toLowerCase(),
    emailVerified: verified === undefined ? true : verified === true || verified === 'true',
    name: (parsed.data.name ?? parsed.data.preferred_username ?? null)?.slice(0, 200) ?? null,
    groups: groupsFrom(claims, oidc.groupsClaim),
  };
}
