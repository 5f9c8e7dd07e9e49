import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as disconnectRoute from '@/app/api/v1/integrations/[id]/disconnect/route';
import * as listRoute from '@/app/api/v1/integrations/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { tasks } from '@/lib/db/schema';
import { findConnectionByExternalAccount, withAccessToken } from '@/lib/integrations/connections';
import { registerDisconnectCleanup } from '@/lib/integrations/disconnect';
import { startOAuthFake, type OAuthFake } from '@/tests/fakes/oauth-fake';
import { ownerRows } from '../helpers/db';
import { call, provision, signIn } from '../helpers/http';
import { addMember } from '../helpers/tenancy';
import { approveAtProvider, connectThroughFake, registerFakeProvider, returnToCallback, startConnect, type Browser } from './fake-provider';

// Disconnecting (revocation at the provider, tokens gone at once, content kept or deleted through the connector's
// hook), and tenant isolation on every integrations route.

let fake: OAuthFake;
let a: Browser;
let b: Browser;
let aTenant: string;

// The test connector's content: tasks whose description names the connection that created them.
registerDisconnectCleanup('asana', async (tx, connectionId) => {
  const gone = await tx.delete(tasks).where(eq(tasks.description, `synced by ${connectionId}`)).returning({ id: tasks.id });
  return gone.length;
});

async function connectionIdOf(as: Browser): Promise<string> {
  const list = await call(listRoute.GET, { path: '/api/v1/integrations', as });
  expect(list.status).toBe(200);
  return list.body.connections[0].id;
}

async function createSyncedTask(as: Browser, connectionId: string): Promise<string> {
  const res = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'From the tracker', description: `synced by ${connectionId}` }, as });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

const disconnect = (as: Browser, id: string, content: 'keep' | 'delete') =>
  call(disconnectRoute.POST, { method: 'POST', path: `/api/v1/integrations/${id}/disconnect`, params: { id }, body: { content }, as });

async function tokensOf(id: string) {
  const [row] = await ownerRows<{ status: string; access_token_ciphertext: string | null; refresh_token_ciphertext: string | null }>(
    sql`select status, access_token_ciphertext, refresh_token_ciphertext from integration_connections where id = ${id}`,
  );
  return row;
}

async function taskExists(id: string): Promise<boolean> {
  return (await ownerRows(sql`select 1 from tasks where id = ${id}`)).length === 1;
}

async function browserOf(): Promise<Browser> {
  const t = await provision();
  return { cookie: (await signIn(t.ownerEmail)).cookie, tenantId: t.tenantId };
}

beforeAll(async () => {
  fake = await startOAuthFake();
  registerFakeProvider(fake);
  const ta = await browserOf();
  a = ta;
  aTenant = ta.tenantId;
  b = await browserOf();
});

afterAll(async () => {
  await fake.close();
});

describe('disconnect', () => {
  it('revokes at the provider, removes the tokens at once and keeps the content when asked to', async () => {
    expect((await connectThroughFake(a)).connected).toBe('asana');
    const id = await connectionIdOf(a);
    const taskId = await createSyncedTask(a, id);
    const [refresh] = fake.liveRefreshTokens();
    const res = await disconnect(a, id, 'keep');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ revokedAtProvider: true, contentDeleted: 0, connection: { id, status: 'disconnected' } });
    expect(fake.revokedTokens()).toContain(refresh);
    expect(await tokensOf(id)).toEqual({ status: 'disconnected', access_token_ciphertext: null, refresh_token_ciphertext: null });
    expect(await taskExists(taskId)).toBe(true);
    // Nothing can use it any more, and webhooks no longer find it.
    await expect(withAccessToken({ tenantId: aTenant, connectionId: id }, async () => 'used')).rejects.toThrow(/disconnected/);
    expect(await findConnectionByExternalAccount('asana', fake.account.id)).toBeNull();
  });

  it('deletes what the connection created when asked to, through the connector’s hook', async () => {
    expect((await connectThroughFake(a)).connected).toBe('asana');
    const id = await connectionIdOf(a);
    const synced = await createSyncedTask(a, id);
    const unrelated = (await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'Typed by hand' }, as: a })).body.id;
    // Reconnecting the same account kept the connection id: what it synced before the first disconnect goes too.
    const created = await ownerRows(sql`select id from tasks where description = ${`synced by ${id}`}`);
    expect(created.length).toBe(2);
    const res = await disconnect(a, id, 'delete');
    expect(res.body).toMatchObject({ contentDeleted: 2, connection: { status: 'disconnected' } });
    expect(await taskExists(synced)).toBe(false);
    expect(await taskExists(unrelated)).toBe(true);
  });

  it('needs settings:manage', async () => {
    expect((await connectThroughFake(a)).connected).toBe('asana');
    const id = await connectionIdOf(a);
    const viewer = await addMember(a, aTenant, 'viewer');
    expect((await disconnect(viewer.as, id, 'keep')).status).toBe(403);
    expect((await call(listRoute.GET, { path: '/api/v1/integrations', as: viewer.as })).status).toBe(403);
    expect((await startConnect(viewer.as)).status).toBe(403);
    expect((await tokensOf(id))?.status).toBe('active');
  });

  it('rejects a bad body with 400/422, never a 500', async () => {
    const id = await connectionIdOf(a);
    const res = await call(disconnectRoute.POST, { method: 'POST', path: `/api/v1/integrations/${id}/disconnect`, params: { id }, body: { content: 'maybe' }, as: a });
    expect([400, 422]).toContain(res.status);
  });
});

describe('cross-tenant', () => {
  it('B does not see A’s connections', async () => {
    const list = await call(listRoute.GET, { path: '/api/v1/integrations', as: b });
    expect(list.status).toBe(200);
    expect(list.body.connections).toEqual([]);
    expect(list.body.providers.map((p: { provider: string }) => p.provider)).toEqual(['slack', 'google_drive', 'asana']);
  });

  it('B disconnecting A’s connection answers exactly like an id that exists nowhere, and changes nothing', async () => {
    const id = await connectionIdOf(a);
    const before = fake.revokedTokens().length;
    const theirs = await disconnect(b, id, 'delete');
    const nowhere = await disconnect(b, randomUUID(), 'delete');
    expect(theirs.status).toBe(404);
    expect(nowhere.status).toBe(404);
    expect(theirs.body.error.code).toBe(nowhere.body.error.code);
    expect(theirs.body.error.message).toBe(nowhere.body.error.message);
    expect(fake.revokedTokens().length).toBe(before);
    expect((await tokensOf(id))?.status).toBe('active');
  });

  it('B naming A’s organization (X-Tenant-Id) cannot list, start connecting or disconnect there', async () => {
    const id = await connectionIdOf(a);
    const intoA = { cookie: b.cookie, tenantId: aTenant };
    const list = await call(listRoute.GET, { path: '/api/v1/integrations', as: intoA });
    const started = await startConnect(intoA);
    const gone = await disconnect(intoA, id, 'delete');
    for (const res of [list, started, gone]) {
      expect([403, 404]).toContain(res.status);
      expect(JSON.stringify(res.body)).not.toContain(id);
    }
    expect(started.headers.get('location')).toBeNull();
    expect((await tokensOf(id))?.status).toBe('active');
  });

  it('a state A started cannot complete in B, even with A’s browser cookie, and stores nothing in B', async () => {
    const started = await startConnect(a);
    const back = await approveAtProvider(started.location ?? '');
    const inB = await returnToCallback(b, back, started.stateCookie);
    expect(inB.error).toBe('invalid_state');
    expect((await call(listRoute.GET, { path: '/api/v1/integrations', as: b })).body.connections).toEqual([]);
  });

  it('a person signed in to both organizations cannot carry a state from A into B', async () => {
    const both = await addMember(a, aTenant, 'admin');
    await addMember(b, b.tenantId, 'admin', both);
    const asA = { cookie: both.cookie, tenantId: aTenant };
    const asB = { cookie: both.cookie, tenantId: b.tenantId };
    const started = await startConnect(asA);
    const back = await approveAtProvider(started.location ?? '');
    expect((await returnToCallback(asB, back, started.stateCookie)).error).toBe('invalid_state');
    // The state stayed A's, untouched by B's attempt: A can still complete it.
    expect((await returnToCallback(asA, back, started.stateCookie)).connected).toBe('asana');
  });
});
