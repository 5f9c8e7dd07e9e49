import { sql } from 'drizzle-orm';
import { RetryAfterError } from 'inngest';
import { afterEach, describe, expect, it } from 'vitest';
import * as listRoute from '@/app/api/v1/integrations/route';
import * as auditRoute from '@/app/api/v1/audit/route';
import { providerStep } from '@/inngest/integrations';
import { findConnectionByExternalAccount, IntegrationReauthRequired, recordSyncResult, withAccessToken, type ConnectionRef } from '@/lib/integrations/connections';
import { ProviderRetryLater, providerFetch } from '@/lib/integrations/http';
import { startOAuthFake, type OAuthFake } from '@/tests/fakes/oauth-fake';
import { ownerDb, ownerRows } from '../helpers/db';
import { call, provision, signIn } from '../helpers/http';
import { connectThroughFake, registerFakeProvider, type Browser } from './fake-provider';

// Tokens in use: refresh before expiry and once on a 401, reauth_required when the provider revoked the grant,
// 429 with Retry-After as ProviderRetryLater (and Inngest's RetryAfterError), sync bookkeeping.

const fakes: OAuthFake[] = [];

afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

interface Setup {
  fake: OAuthFake;
  as: Browser;
  ref: ConnectionRef;
}

async function setup(): Promise<Setup> {
  const fake = await startOAuthFake();
  fakes.push(fake);
  registerFakeProvider(fake);
  const t = await provision();
  const as = { cookie: (await signIn(t.ownerEmail)).cookie, tenantId: t.tenantId };
  expect((await connectThroughFake(as)).connected).toBe('asana');
  const list = await call(listRoute.GET, { path: '/api/v1/integrations', as });
  return { fake, as, ref: { tenantId: t.tenantId, connectionId: list.body.connections[0].id } };
}

// What a connector does with a token: call the provider's API.
async function fetchMe(fake: OAuthFake, token: string): Promise<{ items: number }> {
  const res = await providerFetch('asana', `${fake.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as { items: number };
}

const refreshCalls = (fake: OAuthFake) => fake.requests.filter((r) => r.path === '/oauth/token' && r.body.toString().includes('grant_type=refresh_token')).length;

async function connectionRow(id: string) {
  const [row] = await ownerRows<{ status: string; expires_at: string | Date | null; last_error: string | null; items_synced: number; sync_cursor: string | null }>(
    sql`select status, expires_at, last_error, items_synced, sync_cursor from integration_connections where id = ${id}`,
  );
  return row;
}

describe('withAccessToken', () => {
  it('uses the stored token while it is fresh', async () => {
    const { fake, ref } = await setup();
    const [issued] = fake.liveAccessTokens();
    let seen = '';
    await withAccessToken(ref, async (token) => {
      seen = token;
      return fetchMe(fake, token);
    });
    expect(seen).toBe(issued);
    expect(refreshCalls(fake)).toBe(0);
  });

  it('refreshes before expiry and stores the rotated tokens', async () => {
    const { fake, ref } = await setup();
    const [first] = fake.liveAccessTokens();
    await (await ownerDb()).execute(sql`update integration_connections set expires_at = now() + interval '1 minute' where id = ${ref.connectionId}`);
    const used = await withAccessToken(ref, async (token) => {
      await fetchMe(fake, token);
      return token;
    });
    expect(refreshCalls(fake)).toBe(1);
    expect(used).not.toBe(first);
    expect(new Date(String((await connectionRow(ref.connectionId))?.expires_at)).getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    // The rotated refresh token was stored: the next refresh works with it.
    await (await ownerDb()).execute(sql`update integration_connections set expires_at = now() where id = ${ref.connectionId}`);
    await withAccessToken(ref, (token) => fetchMe(fake, token));
    expect(refreshCalls(fake)).toBe(2);
  });

  it('refreshes once on a provider 401 and retries', async () => {
    const { fake, ref } = await setup();
    fake.expireAccessTokens();
    const attempts: string[] = [];
    const result = await withAccessToken(ref, async (token) => {
      attempts.push(token);
      return fetchMe(fake, token);
    });
    expect(result.items).toBe(3);
    expect(attempts).toHaveLength(2);
    expect(refreshCalls(fake)).toBe(1);
  });

  it('marks the connection reauth_required when the provider revoked the grant, and stops', async () => {
    const { fake, ref, as } = await setup();
    fake.revokeEverything();
    await expect(withAccessToken(ref, (token) => fetchMe(fake, token))).rejects.toBeInstanceOf(IntegrationReauthRequired);
    expect(await connectionRow(ref.connectionId)).toMatchObject({ status: 'reauth_required', last_error: expect.stringContaining('Reconnect') });
    // Later calls do not knock at the provider again.
    const before = fake.requests.length;
    await expect(withAccessToken(ref, (token) => fetchMe(fake, token))).rejects.toBeInstanceOf(IntegrationReauthRequired);
    expect(fake.requests.length).toBe(before);
    const audit = await call(auditRoute.GET, { path: '/api/v1/audit?limit=50', as });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('integration.reauthRequired');
    const list = await call(listRoute.GET, { path: '/api/v1/integrations', as });
    expect(list.body.connections[0]).toMatchObject({ status: 'reauth_required', lastError: expect.stringContaining('Reconnect') });
    // Reconnecting the same account brings the same connection back.
    expect((await connectThroughFake(as)).connected).toBe('asana');
    expect(await connectionRow(ref.connectionId)).toMatchObject({ status: 'active', last_error: null });
  });

  it('turns a 429 into ProviderRetryLater with the provider’s Retry-After, and Inngest’s RetryAfterError in a step', async () => {
    const { fake, ref } = await setup();
    fake.rateLimitNextApiCall(7);
    const err = await withAccessToken(ref, (token) => fetchMe(fake, token)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderRetryLater);
    expect(err).toMatchObject({ seconds: 7 });
    fake.rateLimitNextApiCall(9);
    const inStep = await providerStep(() => withAccessToken(ref, (token) => fetchMe(fake, token))).catch((e: unknown) => e);
    expect(inStep).toBeInstanceOf(RetryAfterError);
    // In seconds, as Inngest sends it.
    expect(inStep).toMatchObject({ retryAfter: '9' });
  });
});

describe('sync bookkeeping and the webhook lookup', () => {
  it('adds items, records the cursor and shows an error until the next good run', async () => {
    const { ref, as, fake } = await setup();
    await recordSyncResult(ref, { items: 5, cursor: 'page-2' });
    await recordSyncResult(ref, { error: 'Asana said no' });
    expect(await connectionRow(ref.connectionId)).toMatchObject({ status: 'error', items_synced: 5, last_error: 'Asana said no', sync_cursor: 'page-2' });
    await recordSyncResult(ref, { items: 2 });
    expect(await connectionRow(ref.connectionId)).toMatchObject({ status: 'active', items_synced: 7, last_error: null });
    const list = await call(listRoute.GET, { path: '/api/v1/integrations', as });
    expect(list.body.connections[0]).toMatchObject({ itemsSynced: 7, lastError: null, lastSyncAt: expect.any(String) });
    expect(await findConnectionByExternalAccount('asana', fake.account.id)).toEqual(ref);
    expect(await findConnectionByExternalAccount('asana', 'ws_nobody')).toBeNull();
    expect(await findConnectionByExternalAccount('slack', fake.account.id)).toBeNull();
  });
});
