import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as connectRoute from '@/app/api/integrations/[provider]/connect/route';
import * as auditRoute from '@/app/api/v1/audit/route';
import { startOAuthFake, type OAuthFake } from '@/tests/fakes/oauth-fake';
import * as listRoute from '@/app/api/v1/integrations/route';
import { registerProvider, unregisterProvider } from '@/lib/integrations/registry';
import { ownerRows } from '../helpers/db';
import { call, provision, signIn } from '../helpers/http';
import { approveAtProvider, connectThroughFake, registerFakeProvider, returnToCallback, startConnect, type Browser } from './fake-provider';

// The OAuth connect flow end to end against a wire-format fake provider: state, PKCE, the code exchange, the stored
// connection (tokens encrypted), and every way it can fail leaving nothing stored.

let fake: OAuthFake;
let owner: Browser;
let tenantId: string;

interface Row {
  id: string;
  status: string;
  external_account_id: string;
  access_token_ciphertext: string | null;
  refresh_token_ciphertext: string | null;
  token_key_id: string | null;
}

const rowsOf = (tenant: string) =>
  ownerRows<Row>(sql`select id, status, external_account_id, access_token_ciphertext, refresh_token_ciphertext, token_key_id
                     from integration_connections where tenant_id = ${tenant}`);

async function auditActions(as: Browser): Promise<{ action: string; outcome: string; metadata: Record<string, unknown> }[]> {
  const res = await call(auditRoute.GET, { path: '/api/v1/audit?limit=100', as });
  expect(res.status).toBe(200);
  return res.body.items;
}

beforeAll(async () => {
  fake = await startOAuthFake();
  registerFakeProvider(fake);
  const t = await provision();
  tenantId = t.tenantId;
  owner = { cookie: (await signIn(t.ownerEmail)).cookie, tenantId };
});

afterAll(async () => {
  await fake.close();
});

describe('connect flow', () => {
  it('redirects to the provider with state and a PKCE S256 challenge, sets the state cookie', async () => {
    const started = await startConnect(owner);
    expect(started.status).toBe(302);
    const url = new URL(started.location ?? '');
    expect(`${url.origin}${url.pathname}`).toBe(`${fake.url}/oauth/authorize`);
    expect(url.searchParams.get('client_id')).toBe(fake.clientId);
    expect(url.searchParams.get('redirect_uri')).toBe('http://localhost:3000/api/integrations/asana/callback');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('scope')).toBe('read write');
    const cookie = started.headers.getSetCookie()[0] ?? '';
    expect(cookie).toContain(`=${url.searchParams.get('state')}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('exchanges the code (the fake checks the PKCE verifier) and stores an encrypted connection', async () => {
    const done = await connectThroughFake(owner);
    expect(done.status).toBe(302);
    expect(done.location.pathname).toBe('/app/settings/integrations');
    expect(done.connected).toBe('asana');
    const tokenCall = fake.requests.find((r) => r.path === '/oauth/token');
    expect(new URLSearchParams(tokenCall?.body.toString()).get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await rowsOf(tenantId);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.status).toBe('active');
    expect(row.external_account_id).toBe(fake.account.id);
    // Encryption at rest: the row holds no plaintext token, and names the key that sealed it.
    const [access] = fake.liveAccessTokens();
    const [refresh] = fake.liveRefreshTokens();
    const raw = JSON.stringify(row);
    expect(raw).not.toContain(access);
    expect(raw).not.toContain(refresh);
    expect(row.access_token_ciphertext).toMatch(new RegExp(`^v1:${row.token_key_id}:`));
    const actions = await auditActions(owner);
    expect(actions.map((a) => a.action)).toContain('integration.connected');
    // In words, naming the account rather than an id.
    const audit = await call(auditRoute.GET, { path: '/api/v1/audit?limit=100', as: owner });
    const shown = audit.body.items.map((e: { display: { action: string; target: string | null } }) => e.display);
    expect(shown).toContainEqual(expect.objectContaining({ action: 'Connected an integration', target: `a connection “${fake.account.name}”` }));
  });

  it('refuses a replayed state: nothing stored twice, an audit entry, a clear error', async () => {
    const started = await startConnect(owner);
    const back = await approveAtProvider(started.location ?? '');
    expect((await returnToCallback(owner, back, started.stateCookie)).connected).toBe('asana');
    const replay = await returnToCallback(owner, back, started.stateCookie);
    expect(replay.status).toBe(302);
    expect(replay.error).toBe('invalid_state');
    const failed = (await auditActions(owner)).filter((a) => a.action === 'integration.connectFailed');
    expect(failed.some((a) => a.outcome === 'failure' && a.metadata.reason === 'invalid_state')).toBe(true);
  });

  it('refuses a state that is not this browser’s (no cookie) and consumes it', async () => {
    const before = (await rowsOf(tenantId)).length;
    const started = await startConnect(owner);
    const back = await approveAtProvider(started.location ?? '');
    expect((await returnToCallback(owner, back, null)).error).toBe('wrong_browser');
    // Even with the right cookie afterwards, the state is gone.
    expect((await returnToCallback(owner, back, started.stateCookie)).error).toBe('invalid_state');
    expect(await rowsOf(tenantId)).toHaveLength(before);
  });

  it('refuses a made-up state', async () => {
    const back = new URL('http://localhost:3000/api/integrations/asana/callback?code=abc&state=made-up');
    expect((await returnToCallback(owner, back, 'reflex_oauth_state_asana=made-up')).error).toBe('invalid_state');
  });

  it('says so when the person denies consent, and stores nothing', async () => {
    const other = await provision();
    const as = { cookie: (await signIn(other.ownerEmail)).cookie, tenantId: other.tenantId };
    fake.denyNextAuthorize();
    const done = await connectThroughFake(as);
    expect(done.error).toBe('denied');
    expect(await rowsOf(other.tenantId)).toHaveLength(0);
    const failed = (await auditActions(as)).find((a) => a.action === 'integration.connectFailed');
    expect(failed?.metadata).toMatchObject({ reason: 'denied', providerCode: 'access_denied' });
  });

  it('reports a provider error at the token endpoint, and stores nothing', async () => {
    const other = await provision();
    const as = { cookie: (await signIn(other.ownerEmail)).cookie, tenantId: other.tenantId };
    fake.failNextToken(400, { error: 'invalid_client', error_description: 'nope' });
    expect((await connectThroughFake(as)).error).toBe('exchange_failed');
    fake.failNextToken(503, { error: 'down' }, { 'retry-after': '5' });
    expect((await connectThroughFake(as)).error).toBe('provider_unavailable');
    expect(await rowsOf(other.tenantId)).toHaveLength(0);
  });

  it('answers 404 for a provider that does not exist', async () => {
    const unknown = await call(connectRoute.GET, { path: '/api/integrations/dropbox/connect', params: { provider: 'dropbox' }, as: owner });
    expect(unknown.status).toBe(404);
  });

  it('without credentials or without the connector, says which variables to set and redirects back instead of breaking', async () => {
    const config = registerFakeProvider(fake, 'google_drive');
    registerProvider({ ...config, clientId: () => undefined, clientSecret: () => undefined, envVars: ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET'] });
    unregisterProvider('slack');
    try {
      const list = await call(listRoute.GET, { path: '/api/v1/integrations', as: owner });
      const bySlug = Object.fromEntries(list.body.providers.map((p: { slug: string }) => [p.slug, p]));
      expect(bySlug['google-drive']).toMatchObject({ installed: true, configured: false, envVars: ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET'] });
      expect(bySlug.slack).toMatchObject({ label: 'Slack', installed: false, configured: false, envVars: ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_SIGNING_SECRET'] });
      expect(bySlug.asana).toMatchObject({ installed: true, configured: true, connectUrl: '/api/integrations/asana/connect' });
      for (const [provider, error] of [['google_drive', 'not_configured'], ['slack', 'not_installed']] as const) {
        const started = await startConnect(owner, provider);
        expect(started.status).toBe(302);
        const location = new URL(started.location ?? '');
        expect(location.pathname).toBe('/app/settings/integrations');
        expect(location.searchParams.get('error')).toBe(error);
        expect(started.headers.getSetCookie()).toEqual([]);
      }
    } finally {
      unregisterProvider('google_drive');
    }
  });
});
