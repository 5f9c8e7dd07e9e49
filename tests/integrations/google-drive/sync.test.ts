import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as foldersRoute from '@/app/api/integrations/google-drive/connections/[connectionId]/folders/route';
import * as statusRoute from '@/app/api/integrations/google-drive/connections/[connectionId]/status/route';
import * as syncRoute from '@/app/api/integrations/google-drive/connections/[connectionId]/sync/route';
import { GOOGLE_DOC, GOOGLE_SHEET } from '@/tests/fakes/google-drive-fake';
import { eq } from 'drizzle-orm';
import { listRuns } from '@/inngest/local';
import { integrationConnections } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { call } from '../../helpers/http';
import { connectedOrg, documentCount, settle, startDriveTestEnv, syncedFiles, type DriveOrg, type DriveTestEnv } from './harness';

// The connector end to end: the folder picker and "Sync now" routes, the Inngest sync function on the local runner,
// the Drive SDK against the wire-format fake, and the documents it creates through lib/documents.

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const MP3 = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(64, 1)]);

let env: DriveTestEnv;
let org: DriveOrg;
let root: string;
let sub: string;

const params = () => ({ connectionId: org.connectionId });
const base = () => `/api/integrations/google-drive/connections/${org.connectionId}`;

async function status() {
  const res = await call(statusRoute.GET, { path: `${base()}/status`, params: params(), as: org.browser });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function syncNow() {
  const res = await call(syncRoute.POST, { method: 'POST', path: `${base()}/sync`, params: params(), as: org.browser });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  await settle();
}

const byFile = async () => new Map((await syncedFiles(org)).map((f) => [f.fileId, f]));

beforeAll(async () => {
  env = await startDriveTestEnv();
  org = await connectedOrg();
  root = env.fake.addFolder('Handbook');
  sub = env.fake.addFolder('Policies', root);
  env.fake.addFolder('Elsewhere');
}, 60_000);

afterAll(async () => {
  await env.release();
});

describe('initial sync', () => {
  it('lists folders for the picker', async () => {
    const res = await call(foldersRoute.GET, { path: `${base()}/folders`, params: params(), as: org.browser });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((res.body.items as { name: string }[]).map((f) => f.name).sort()).toEqual(['Elsewhere', 'Handbook', 'Policies']);
  });

  it('ingests 500 files of every kind, subfolders included, with progress and no blocking', async () => {
    for (let i = 0; i < 480; i++) env.fake.addFile({ name: `Note ${i}`, mimeType: GOOGLE_DOC, parent: i % 2 ? root : sub, content: `Meeting note number ${i}: ship the thing.` });
    for (let i = 0; i < 10; i++) env.fake.addFile({ name: `Budget ${i}`, mimeType: GOOGLE_SHEET, parent: root, content: `item,amount\nrent,${1000 + i}\n` });
    for (let i = 0; i < 5; i++) env.fake.addFile({ name: `Contract ${i}.pdf`, mimeType: 'application/pdf', parent: sub, content: Buffer.concat([PDF, Buffer.from(`% ${i}\n`)]) });
    for (let i = 0; i < 4; i++) env.fake.addFile({ name: `Standup ${i}.mp3`, mimeType: 'audio/mpeg', parent: root, content: Buffer.concat([MP3, Buffer.from([i])]) });
    env.fake.addFile({ name: 'readme.md', mimeType: 'text/markdown', parent: root, content: '# Read me\n\nHello.' });

    const picked = await call(foldersRoute.PUT, {
      method: 'PUT',
      path: `${base()}/folders`,
      params: params(),
      body: { folders: [{ id: root, name: 'Handbook' }] },
      as: org.browser,
    });
    // The request answers before the sync has done its work: the sync runs in the background.
    expect(picked.status, JSON.stringify(picked.body)).toBe(200);
    expect(picked.body.folders).toEqual([{ id: root, name: 'Handbook' }]);
    await settle();

    const files = await syncedFiles(org);
    expect(files).toHaveLength(500);
    expect(files.every((f) => f.documentId && !f.skippedReason)).toBe(true);
    expect(await documentCount(org.tenantId)).toBe(500);
    const kinds = files.reduce<Record<string, number>>((acc, f) => ({ ...acc, [f.kind ?? '?']: (acc[f.kind ?? '?'] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ text: 490, pdf: 5, audio: 4, markdown: 1 });
    const sheet = files.find((f) => f.title === 'Budget 3');
    expect(sheet?.text).toBe('item,amount\nrent,1003\n');
    const view = await status();
    expect(view).toMatchObject({ phase: 'changes', itemsDone: 500, itemsTotal: 500, itemsSkipped: 0, lastError: null, liveUpdates: true });
    expect(view.lastSyncAt).not.toBeNull();
    // Exports and downloads only: Docs and Sheets are exported, the rest downloaded with alt=media.
    expect(env.fake.apiCalls().filter((r) => r.path.endsWith('/export'))).toHaveLength(490);
    // A push channel was opened at APP_URL.
    const channel = env.fake.channels().at(-1);
    expect(channel?.address).toBe('https://reflex.example.test/api/integrations/google-drive/notifications');
  }, 240_000);
});

describe('incremental sync (Changes API)', () => {
  it('re-ingests an edited file in place, adds a new one, leaves the rest alone', async () => {
    const before = await byFile();
    const [editedId] = [...before.entries()].find(([, f]) => f.title === 'Note 7') ?? [];
    if (!editedId) throw new Error('Note 7 not synced');
    env.fake.editFile(editedId, 'Note 7, revised: the thing shipped.');
    const added = env.fake.addFile({ name: 'Fresh', mimeType: GOOGLE_DOC, parent: sub, content: 'A brand new doc.' });
    const exportsBefore = env.fake.apiCalls().filter((r) => r.path.endsWith('/export')).length;

    await syncNow();

    const after = await byFile();
    const edited = after.get(editedId);
    expect(edited?.documentId).toBe(before.get(editedId)?.documentId);
    expect(edited?.text).toBe('Note 7, revised: the thing shipped.');
    expect(edited?.generation).toBe((before.get(editedId)?.generation ?? 0) + 1);
    expect(after.get(added)?.text).toBe('A brand new doc.');
    expect(after.size).toBe(501);
    expect(env.fake.apiCalls().filter((r) => r.path.endsWith('/export')).length - exportsBefore).toBe(2);
  }, 60_000);

  it('removes the document of a deleted, trashed, unshared or moved-out file', async () => {
    const files = [...(await byFile()).entries()];
    const pick = (title: string) => files.find(([, f]) => f.title === title)?.[0] ?? '';
    const deleted = pick('Note 1');
    const trashed = pick('Note 2');
    const unshared = pick('Note 3');
    env.fake.deleteFile(deleted);
    env.fake.trashFile(trashed);
    env.fake.unshareFile(unshared);
    const count = await documentCount(org.tenantId);

    await syncNow();

    const after = await byFile();
    for (const id of [deleted, trashed, unshared]) expect(after.has(id)).toBe(false);
    expect(await documentCount(org.tenantId)).toBe(count - 3);
  }, 60_000);

  it('removes the document when the file answers 404 at download (access lost after the change was listed)', async () => {
    const files = [...(await byFile()).entries()];
    const target = files.find(([, f]) => f.title === 'Note 4')?.[0] ?? '';
    env.fake.editFile(target, 'changed but gone');
    env.fake.hideContent(target);
    await syncNow();
    expect((await byFile()).has(target)).toBe(false);
  }, 60_000);

  it('skips a file larger than the plan allows, with the reason on the card', async () => {
    const huge = env.fake.addFile({ name: 'Raw footage.mp3', mimeType: 'audio/mpeg', parent: root, content: MP3, reportedSize: 60 * 1024 * 1024 });
    const downloadsBefore = env.fake.apiCalls(`/drive/v3/files/${huge}`).length;
    await syncNow();
    const row = (await byFile()).get(huge);
    expect(row?.documentId).toBeNull();
    expect(row?.skippedReason).toMatch(/larger \(60 MB\) than the 50 MB a file may be on the professional plan/i);
    expect(env.fake.apiCalls(`/drive/v3/files/${huge}`).length).toBe(downloadsBefore);
    const view = await status();
    expect(view.skipped).toEqual([expect.objectContaining({ name: 'Raw footage.mp3', reason: row?.skippedReason })]);
  }, 60_000);

  it('waits as long as Google asks on a 429 and then finishes', async () => {
    const added = env.fake.addFile({ name: 'After the limit', mimeType: GOOGLE_DOC, parent: root, content: 'Rate limited once.' });
    env.fake.rateLimitNextApiCalls(1, 1);
    await syncNow();
    expect((await byFile()).get(added)?.text).toBe('Rate limited once.');
    const runs = await listRuns({ eventData: { connectionId: org.connectionId } }, 1);
    expect(runs[0]?.status).toBe('completed');
    // The 429 came back as a retry of the page step, not a failed run.
    expect(env.fake.requests.some((r) => r.path === '/drive/v3/changes')).toBe(true);
  }, 60_000);

  it('refreshes an expired access token and carries on', async () => {
    env.fake.expireAccessTokens();
    const added = env.fake.addFile({ name: 'After expiry', mimeType: GOOGLE_DOC, parent: root, content: 'Token refreshed.' });
    await syncNow();
    expect((await byFile()).get(added)?.text).toBe('Token refreshed.');
  }, 60_000);

  it('stops with "reconnect needed" when Google revoked the grant (invalid_grant), keeping the documents', async () => {
    const count = await documentCount(org.tenantId);
    env.fake.revokeEverything();
    env.fake.addFile({ name: 'Never synced', mimeType: GOOGLE_DOC, parent: root, content: 'Not reachable.' });
    await syncNow();
    const [connection] = await withTenant(org.tenantId, (tx) =>
      tx.select({ status: integrationConnections.status, lastError: integrationConnections.lastError }).from(integrationConnections).where(eq(integrationConnections.id, org.connectionId)),
    );
    expect(connection?.status).toBe('reauth_required');
    expect(await documentCount(org.tenantId)).toBe(count);
    expect((await status()).lastError).toMatch(/reconnect/i);
  }, 60_000);
});
