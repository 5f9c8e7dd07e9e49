import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson, startFakeServer, type RecordedRequest } from '@/tests/fakes/http-server';

// A provider's OAuth 2.0 server and one API endpoint, speaking the wire format: GET /oauth/authorize redirects back
// with a code (or error=access_denied), POST /oauth/token (form-encoded, client_secret_post) exchanges a code (checking
// redirect_uri and the PKCE verifier, RFC 7636 S256) or a refresh token (rotating it), POST /oauth/revoke (RFC 7009)
// ends a grant, and GET /api/me answers 401 for an expired or revoked access token and 429 with Retry-After on demand.

export interface OAuthFake {
  url: string;
  clientId: string;
  clientSecret: string;
  requests: RecordedRequest[];
  account: { id: string; name: string };
  // The next authorize request is refused by the person (error=access_denied).
  denyNextAuthorize(): void;
  // The next token request answers this instead (status and JSON body).
  failNextToken(status: number, body: unknown, headers?: Record<string, string>): void;
  // Every access token issued so far stops working (as if its lifetime ran out), without the client knowing.
  expireAccessTokens(): void;
  // The person removed the app at the provider: every grant's tokens stop working, refresh tokens included.
  revokeEverything(): void;
  rateLimitNextApiCall(retryAfterSeconds: number): void;
  liveAccessTokens(): string[];
  liveRefreshTokens(): string[];
  revokedTokens(): string[];
  setAccessTtl(seconds: number): void;
  close(): Promise<void>;
}

interface Grant {
  refreshToken: string;
  accessTokens: Set<string>;
  revoked: boolean;
}

const token = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`;

function formOf(r: RecordedRequest): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(r.body.toString('utf8')));
}

export async function startOAuthFake(options: { account?: { id: string; name: string } } = {}): Promise<OAuthFake> {
  const clientId = 'fake-client-id';
  const clientSecret = 'fake-client-secret';
  const account = options.account ?? { id: `ws_${randomBytes(4).toString('hex')}`, name: 'Acme Workspace' };
  const codes = new Map<string, { redirectUri: string; challenge: string | null; used: boolean }>();
  const grants: Grant[] = [];
  const expired = new Set<string>();
  const revoked: string[] = [];
  let denyNext = false;
  let tokenFailure: { status: number; body: unknown; headers: Record<string, string> } | null = null;
  let rateLimit: number | null = null;
  let accessTtl = 3600;

  function issue(grant: Grant, res: ServerResponse, extra: Record<string, unknown> = {}) {
    const access = token('at');
    grant.accessTokens.add(access);
    sendJson(res, 200, { access_token: access, token_type: 'Bearer', refresh_token: grant.refreshToken, expires_in: accessTtl, scope: 'read write', ...extra });
  }

  const grantOfAccess = (t: string) => grants.find((g) => g.accessTokens.has(t));

  const server = await startFakeServer((req, res, recorded) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/oauth/authorize') {
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      const state = url.searchParams.get('state') ?? '';
      if (url.searchParams.get('client_id') !== clientId || !redirectUri) return sendJson(res, 400, { error: 'invalid_client' });
      const back = new URL(redirectUri);
      back.searchParams.set('state', state);
      if (denyNext) {
        denyNext = false;
        back.searchParams.set('error', 'access_denied');
      } else {
        const code = token('code');
        const method = url.searchParams.get('code_challenge_method');
        codes.set(code, { redirectUri, challenge: method === 'S256' ? url.searchParams.get('code_challenge') : null, used: false });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.toString() });
      res.end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      if (tokenFailure) {
        const f = tokenFailure;
        tokenFailure = null;
        return sendJson(res, f.status, f.body, f.headers);
      }
      const form = formOf(recorded);
      if (form.client_id !== clientId || form.client_secret !== clientSecret) return sendJson(res, 401, { error: 'invalid_client' });
      if (form.grant_type === 'authorization_code') {
        const entry = form.code ? codes.get(form.code) : undefined;
        if (!entry || entry.used || entry.redirectUri !== form.redirect_uri) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'bad code' });
        entry.used = true;
        if (entry.challenge) {
          const computed = createHash('sha256')
            .update(form.code_verifier ?? '')
            .digest('base64url');
          if (computed !== entry.challenge) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
        }
        const grant: Grant = { refreshToken: token('rt'), accessTokens: new Set(), revoked: false };
        grants.push(grant);
        return issue(grant, res, { account: { id: account.id, name: account.name } });
      }
      if (form.grant_type === 'refresh_token') {
        const grant = grants.find((g) => g.refreshToken === form.refresh_token && !g.revoked);
        if (!grant) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'refresh token revoked' });
        // Rotation: the old refresh token stops working.
        grant.refreshToken = token('rt');
        return issue(grant, res);
      }
      return sendJson(res, 400, { error: 'unsupported_grant_type' });
    }
    if (req.method === 'POST' && url.pathname === '/oauth/revoke') {
      const form = formOf(recorded);
      if (form.client_id !== clientId || form.client_secret !== clientSecret) return sendJson(res, 401, { error: 'invalid_client' });
      const t = form.token ?? '';
      const grant = grants.find((g) => g.refreshToken === t) ?? grantOfAccess(t);
      if (grant) grant.revoked = true;
      revoked.push(t);
      res.writeHead(200);
      res.end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/me') {
      if (rateLimit !== null) {
        const seconds = rateLimit;
        rateLimit = null;
        return sendJson(res, 429, { error: 'rate_limited' }, { 'retry-after': String(seconds) });
      }
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const grant = grantOfAccess(bearer);
      if (!grant || grant.revoked || expired.has(bearer)) return sendJson(res, 401, { error: 'invalid_token' });
      return sendJson(res, 200, { account: account.id, items: 3 });
    }
    return sendJson(res, 404, { error: 'not_found' });
  });

  return {
    url: server.url,
    clientId,
    clientSecret,
    requests: server.requests,
    account,
    denyNextAuthorize: () => {
      denyNext = true;
    },
    failNextToken: (status, body, headers = {}) => {
      tokenFailure = { status, body, headers };
    },
    expireAccessTokens: () => {
      for (const g of grants) for (const t of g.accessTokens) expired.add(t);
    },
    revokeEverything: () => {
      for (const g of grants) g.revoked = true;
    },
    rateLimitNextApiCall: (seconds) => {
      rateLimit = seconds;
    },
    liveAccessTokens: () => grants.filter((g) => !g.revoked).flatMap((g) => [...g.accessTokens].filter((t) => !expired.has(t))),
    liveRefreshTokens: () => grants.filter((g) => !g.revoked).map((g) => g.refreshToken),
    revokedTokens: () => [...revoked],
    setAccessTtl: (seconds) => {
      accessTtl = seconds;
    },
    close: () => server.close(),
  };
}
