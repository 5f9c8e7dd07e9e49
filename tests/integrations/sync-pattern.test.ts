import { InngestTestEngine } from '@inngest/test';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as listRoute from '@/app/api/v1/integrations/route';
import { inngest } from '@/inngest/client';
import { PER_CONNECTION, providerStep, recordSyncFailure } from '@/inngest/integrations';
import { integrationSyncRequested } from '@/lib/events/integrations';
import { recordSyncResult, withAccessToken, type ConnectionRef } from '@/lib/integrations/connections';
import { providerFetch } from '@/lib/integrations/http';
import { syncEventId } from '@/lib/integrations/sync';
import { startOAuthFake, type OAuthFake } from '@/tests/fakes/oauth-fake';
import { ownerRows } from '../helpers/db';
import { call, provision, signIn } from '../helpers/http';
import { connectThroughFake, registerFakeProvider } from './fake-provider';

// The sync pattern connectors copy (inngest/integrations.ts), as a function of this test: one run per connection,
// a token from withAccessToken, the provider's 429 as Inngest's RetryAfterError, the outcome recorded.

let fake: OAuthFake;
let ref: ConnectionRef;

const exampleSync = inngest.createFunction(
  { id: 'test-sync-example', triggers: [integrationSyncRequested], concurrency: PER_CONNECTION, retries: 3 },
  async ({ event, step }) => {
    const target = { tenantId: event.data.tenantId, connectionId: event.data.connectionId };
    const page = await step.run('fetch', () =>
      providerStep(() =>
        withAccessToken(target, async (token) => {
          const res = await providerFetch('asana', `${fake.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
          return (await res.json()) as { items: number }; // the fake's documented /api/me shape
        }),
      ),
    );
    await step.run('record', () => recordSyncResult(target, { items: page.items }));
    return page;
  },
);

const run = () =>
  new InngestTestEngine({
    function: exampleSync,
    events: [{ name: 'integration/sync-requested', data: { ...ref, provider: 'asana', reason: 'manual' } }],
  }).execute();

async function row() {
  const [r] = await ownerRows<{ items_synced: number; last_error: string | null; status: string }>(
    sql`select items_synced, last_error, status from integration_connections where id = ${ref.connectionId}`,
  );
  return r;
}

beforeAll(async () => {
  fake = await startOAuthFake();
  registerFakeProvider(fake);
  const t = await provision();
  const as = { cookie: (await signIn(t.ownerEmail)).cookie, tenantId: t.tenantId };
  expect((await connectThroughFake(as)).connected).toBe('asana');
  ref = { tenantId: t.tenantId, connectionId: (await call(listRoute.GET, { path: '/api/v1/integrations', as })).body.connections[0].id };
});

afterAll(async () => {
  await fake.close();
});

describe('the sync pattern', () => {
  it('syncs with a valid token and records the items', async () => {
    const { result } = await run();
    expect(result).toEqual({ account: fake.account.id, items: 3 });
    expect(await row()).toMatchObject({ items_synced: 3, status: 'active' });
  });

  it('turns the provider’s 429 into a RetryAfterError that waits for its Retry-After', async () => {
    fake.rateLimitNextApiCall(42);
    const { error } = await run();
    // The engine hands back the serialized error; the unserialized one carries retryAfter (tokens.test.ts).
    expect(error).toMatchObject({ name: 'RetryAfterError', message: expect.stringContaining('retrying in 42s') });
    expect((await row())?.items_synced).toBe(3);
  });

  it('stops without retries once the connection needs reconnecting, and shows why', async () => {
    fake.revokeEverything();
    fake.expireAccessTokens();
    const { error } = await run();
    expect(error).toMatchObject({ name: 'NonRetriableError' });
    await recordSyncFailure({ ...ref, provider: 'asana' }, 'Reconnect needed');
    expect(await row()).toMatchObject({ status: 'reauth_required', last_error: 'Reconnect needed' });
  });

  it('keys sync events by connection and key, so a repeated webhook starts one run', () => {
    expect(syncEventId(ref.connectionId, 'webhook:evt-1')).toBe(syncEventId(ref.connectionId, 'webhook:evt-1'));
    expect(syncEventId(ref.connectionId, 'webhook:evt-1')).not.toBe(syncEventId(ref.connectionId, 'webhook:evt-2'));
  });
});
