import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as notificationsRoute from '@/app/api/integrations/google-drive/notifications/route';
import * as foldersRoute from '@/app/api/integrations/google-drive/connections/[connectionId]/folders/route';
import * as statusRoute from '@/app/api/integrations/google-drive/connections/[connectionId]/status/route';
import * as syncRoute from '@/app/api/integrations/google-drive/connections/[connectionId]/sync/route';
import * as disconnectRoute from '@/app/api/v1/integrations/[id]/disconnect/route';
import { listRuns } from '@/inngest/local';
import { GOOGLE_DOC, type FakeChannel } from '@/tests/fakes/google-drive-fake';
import { call } from '../../helpers/http';
import { connectedOrg, documentCount, settle, startDriveTestEnv, syncedFiles, type DriveOrg, type DriveTestEnv } from './harness';

// Push notifications (changes.watch → POST /api/integrations/google-drive/notifications) and the walls between
// organizations: org A's channel, connection id and routes can never reach org B's documents, and B's calls on A's
// connection answer exactly like an id that exists nowhere.

let env: DriveTestEnv;
let a: DriveOrg;
let b: DriveOrg;
let folderA: string;
let folderB: string;

const runsOf = async (org: DriveOrg) => (await listRuns({ eventData: { connectionId: org.connectionId } }, 100)).length;

function notify(channel: Pick<FakeChannel, 'id' | 'token'>, state = 'change', message = '2') {
  return call(notificationsRoute.POST, {
    method: 'POST',
    path: '/api/integrations/google-drive/notifications',
    headers: {
      'x-goog-channel-id': channel.id,
      'x-goog-channel-token': channel.token,
      'x-goog-resource-state': state,
      'x-goog-message-number': message,
      'x-goog-resource-id': 'resource',
      'x-goog-channel-expiration': 'Sat, 12 Dec 2026 00:00:00 GMT',
    },
  });
}

async function pick(org: DriveOrg, id: string, name: string) {
  const res = await call(foldersRoute.PUT, {
    method: 'PUT',
    path: `/api/integrations/google-drive/connections/${org.connectionId}/folders`,
    params: { connectionId: org.connectionId },
    body: { folders: [{ id, name }] },
    as: org.browser,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await settle();
}

// The channel the fake recorded for a connection: the one opened last, in the order the orgs synced.
let channelA: FakeChannel;
let channelB: FakeChannel;

beforeAll(async () => {
  env = await startDriveTestEnv();
  a = await connectedOrg();
  b = await connectedOrg();
  folderA = env.fake.addFolder('A docs');
  folderB = env.fake.addFolder('B docs');
  env.fake.addFile({ name: 'A one', mimeType: GOOGLE_DOC, parent: folderA, content: 'Org A first document.' });
  env.fake.addFile({ name: 'B one', mimeType: GOOGLE_DOC, parent: folderB, content: 'Org B first document.' });
  await pick(a, folderA, 'A docs');
  channelA = env.fake.channels().at(-1) as FakeChannel;
  await pick(b, folderB, 'B docs');
  channelB = env.fake.channels().at(-1) as FakeChannel;
}, 120_000);

afterAll(async () => {
  await env.release();
});

describe('push notifications', () => {
  it('each organization got its own channel with its own secret token', () => {
    expect(channelA.id).not.toBe(channelB.id);
    expect(channelA.token).not.toBe(channelB.token);
    expect(channelA.token.length).toBeGreaterThanOrEqual(40);
  });

  it('a change on a valid channel syncs that connection', async () => {
    const added = env.fake.addFile({ name: 'A two', mimeType: GOOGLE_DOC, parent: folderA, content: 'Org A second document.' });
    const res = await notify(channelA, 'change', '7');
    expect(res.status).toBe(200);
    await settle();
    expect((await syncedFiles(a)).find((f) => f.fileId === added)?.text).toBe('Org A second document.');
    // The same message delivered twice starts no second run.
    const before = await runsOf(a);
    await notify(channelA, 'change', '7');
    await settle();
    expect(await runsOf(a)).toBe(before);
  }, 60_000);

  it('the opening "sync" message does nothing', async () => {
    const before = await runsOf(a);
    expect((await notify(channelA, 'sync', '1')).status).toBe(200);
    await settle();
    expect(await runsOf(a)).toBe(before);
  });

  it('an unknown channel answers 200 and does nothing', async () => {
    const before = [await runsOf(a), await runsOf(b)];
    const res = await notify({ id: '6f1c1d7e-0000-4000-8000-000000000000', token: channelA.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    await settle();
    expect([await runsOf(a), await runsOf(b)]).toEqual(before);
  });

  it('a wrong token, or another organization’s token, does nothing', async () => {
    const before = [await runsOf(a), await runsOf(b)];
    expect((await notify({ id: channelA.id, token: 'not-the-token' })).status).toBe(200);
    expect((await notify({ id: channelA.id, token: channelB.token })).status).toBe(200);
    expect((await notify({ id: channelB.id, token: channelA.token })).status).toBe(200);
    const missing = await call(notificationsRoute.POST, { method: 'POST', path: '/api/integrations/google-drive/notifications', headers: { 'x-goog-channel-id': channelA.id } });
    expect(missing.status).toBe(200);
    await settle();
    expect([await runsOf(a), await runsOf(b)]).toEqual(before);
  });
});

describe('cross-tenant', () => {
  it("org A's notification never touches org B's documents", async () => {
    const bDocs = await documentCount(b.tenantId);
    const bFiles = await syncedFiles(b);
    env.fake.addFile({ name: 'A three', mimeType: GOOGLE_DOC, parent: folderA, content: 'Org A third document.' });
    env.fake.addFile({ name: 'B two', mimeType: GOOGLE_DOC, parent: folderB, content: 'Org B second document.' });
    await notify(channelA, 'change', '9');
    await settle();
    expect(await documentCount(b.tenantId)).toBe(bDocs);
    expect(await syncedFiles(b)).toEqual(bFiles);
    expect((await syncedFiles(a)).map((f) => f.title).sort()).toEqual(['A one', 'A three', 'A two']);
  }, 60_000);

  it("B gets 404 for A's connection on every route, exactly like an id that exists nowhere", async () => {
    const nowhere = '0b5c2a3e-1111-4222-8333-444455556666';
    for (const id of [a.connectionId, nowhere]) {
      const p = { connectionId: id };
      const base = `/api/integrations/google-drive/connections/${id}`;
      const responses = [
        await call(statusRoute.GET, { path: `${base}/status`, params: p, as: b.browser }),
        await call(foldersRoute.GET, { path: `${base}/folders`, params: p, as: b.browser }),
        await call(foldersRoute.PUT, { method: 'PUT', path: `${base}/folders`, params: p, body: { folders: [] }, as: b.browser }),
        await call(syncRoute.POST, { method: 'POST', path: `${base}/sync`, params: p, as: b.browser }),
      ];
      for (const res of responses) {
        expect(res.status, JSON.stringify(res.body)).toBe(404);
        expect(res.body.error).toMatchObject({ code: 'not_found', message: 'Connection not found' });
      }
    }
    // Emptying A's folders from B would have removed A's documents: they are all still there.
    expect(await documentCount(a.tenantId)).toBe(3);
  }, 60_000);

  it("disconnecting B with content 'delete' removes B's Drive documents and leaves A's", async () => {
    const aDocs = await documentCount(a.tenantId);
    const bDocs = await documentCount(b.tenantId);
    expect(bDocs).toBeGreaterThan(0);
    const res = await call(disconnectRoute.POST, {
      method: 'POST',
      path: `/api/v1/integrations/${b.connectionId}/disconnect`,
      params: { id: b.connectionId },
      body: { content: 'delete' },
      as: b.browser,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.contentDeleted).toBe(bDocs);
    expect(await documentCount(b.tenantId)).toBe(0);
    expect(await syncedFiles(b)).toEqual([]);
    expect(await documentCount(a.tenantId)).toBe(aDocs);
  }, 60_000);
});
