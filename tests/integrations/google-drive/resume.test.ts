import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderRetryLater } from '@/lib/integrations/http';
import { withTenant } from '@/lib/db/tenant';
import { ensureDriveState, updateDriveState } from '@/lib/integrations/google-drive/state';
import { syncDrivePage } from '@/lib/integrations/google-drive/sync';
import { GOOGLE_DOC } from '@/tests/fakes/google-drive-fake';
import { connectedOrg, documentCount, startDriveTestEnv, syncedFiles, type DriveOrg, type DriveTestEnv } from './harness';

// A sync that dies halfway (here: Google stops answering in the middle of a page, which leaves the database exactly
// as a killed process would) and is started again resumes from the stored cursor: every file once, no duplicates,
// and the files done before the crash are not downloaded again.

let env: DriveTestEnv;
let org: DriveOrg;
let folder: string;

const FILES = 250;

beforeAll(async () => {
  env = await startDriveTestEnv();
  org = await connectedOrg();
  folder = env.fake.addFolder('Archive');
  for (let i = 0; i < FILES; i++) env.fake.addFile({ name: `Doc ${i}`, mimeType: GOOGLE_DOC, parent: folder, content: `Archived document ${i}.` });
}, 60_000);

afterAll(async () => {
  await env.release();
});

async function runPages(ref: { tenantId: string; connectionId: string }): Promise<number> {
  let pages = 0;
  for (;;) {
    pages++;
    if ((await syncDrivePage(ref)).done) return pages;
  }
}

// Folders saved straight into the state (no sync event), so this test alone drives the pages and the crash point
// is exact.
async function pickWithoutEvent(ref: { tenantId: string; connectionId: string }, id: string, name: string): Promise<void> {
  await withTenant(ref.tenantId, async (tx) => {
    await ensureDriveState(tx, ref.tenantId, ref.connectionId);
    await updateDriveState(tx, ref.connectionId, { folders: [{ id, name }], phase: 'idle', changesPageToken: null, initialCursor: null });
  });
}

const exportCount = () => env.fake.apiCalls().filter((r) => r.path.endsWith('/export')).length;

describe('restart mid-sync', () => {
  it('a sync interrupted mid-page and started again ingests every file exactly once', async () => {
    const ref = { tenantId: org.tenantId, connectionId: org.connectionId };
    await pickWithoutEvent(ref, folder, 'Archive');
    // getStartPageToken, the first page's listing, then 160 exports (page 1 done, page 2 two-thirds); then Google
    // stops answering.
    env.fake.failApiCallsAfter(162);
    await expect(runPages(ref)).rejects.toBeInstanceOf(ProviderRetryLater);
    expect(await syncedFiles(org)).toHaveLength(159);

    env.fake.allowApiCalls();
    await runPages(ref);
    const files = await syncedFiles(org);
    expect(files).toHaveLength(FILES);
    expect(new Set(files.map((f) => f.documentId)).size).toBe(FILES);
    expect(await documentCount(org.tenantId)).toBe(FILES);
    // Each file exported once, except the one whose export failed at the crash: the rest were passed over.
    expect(exportCount()).toBe(FILES + 1);
  }, 240_000);
});
