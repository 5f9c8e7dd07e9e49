import { withTenant } from '@/lib/db/tenant';
import { readTenantPlan } from '@/lib/documents/scheduling';
import { recordSyncResult, withAccessToken, type ConnectionRef } from '../connections';
import { DriveClient, FOLDER_MIME, type DriveChange } from './client';
import { removeDriveFile, syncDriveFile, type DriveSyncContext } from './files';
import { bumpDriveProgress, countSyncedDocuments, listUnseenFiles, readDriveState, updateDriveState, type DriveState } from './state';

export interface DriveSyncProgress {
  // false: call again (another page waits); each call is one page, so a step of a durable job.
  done: boolean;
  phase: DriveState['phase'];
  itemsDone: number;
  itemsTotal: number;
}

const REMOVE_BATCH = 100;

function progressOf(state: DriveState, done: boolean): DriveSyncProgress {
  return { done, phase: state.phase, itemsDone: state.itemsDone, itemsTotal: state.itemsTotal };
}

async function reread(ref: ConnectionRef, done: boolean): Promise<DriveSyncProgress> {
  const state = await withTenant(ref.tenantId, (tx) => readDriveState(tx, ref.connectionId));
  return state ? progressOf(state, done) : { done: true, phase: 'idle', itemsDone: 0, itemsTotal: 0 };
}

// Starts from scratch: the changes token is taken first, so whatever changes while the folders are listed is
// picked up by the first incremental sync.
async function startInitialSync(ref: ConnectionRef, client: DriveClient, state: DriveState): Promise<void> {
  const changesPageToken = await client.getStartPageToken();
  const folderIds = state.folders.map((f) => f.id);
  await withTenant(ref.tenantId, (tx) =>
    updateDriveState(tx, ref.connectionId, {
      phase: 'initial',
      changesPageToken,
      initialCursor: { folders: folderIds, pageToken: null },
      knownFolderIds: folderIds,
      itemsDone: 0,
      itemsTotal: 0,
      itemsSkipped: 0,
      syncStartedAt: new Date(),
      lastError: null,
    }),
  );
}

// One page of one folder. Subfolders join the queue; the cursor is stored after the page, so a sync that dies
// lists the page again and syncDriveFile passes over the files it already took.
async function syncInitialPage(ref: ConnectionRef, ctx: DriveSyncContext, state: DriveState): Promise<boolean> {
  const cursor = state.initialCursor ?? { folders: [], pageToken: null };
  const folderId = cursor.folders[0];
  if (!folderId) return finishInitialSync(ref, ctx, state);
  const page = await ctx.client.listChildren(folderId, cursor.pageToken);
  const known = new Set(state.knownFolderIds);
  const queue = [...cursor.folders];
  const files = page.files.filter((f) => f.mimeType !== FOLDER_MIME);
  for (const f of page.files) {
    if (f.mimeType === FOLDER_MIME && !known.has(f.id)) {
      known.add(f.id);
      queue.push(f.id);
    }
  }
  // Total so far: everything done plus what this page still has to do (set, not added, so a repeated page
  // does not count twice).
  await withTenant(ref.tenantId, (tx) => updateDriveState(tx, ref.connectionId, { itemsTotal: state.itemsDone + files.length, knownFolderIds: [...known] }));
  for (const file of files) {
    // A file already done before a restart comes back unchanged and is not counted twice.
    const outcome = await syncDriveFile(ctx, file);
    if (outcome !== 'unchanged') await withTenant(ref.tenantId, (tx) => bumpDriveProgress(tx, ref.connectionId, { done: 1 }));
  }
  const next = page.nextPageToken ? { folders: queue, pageToken: page.nextPageToken } : { folders: queue.slice(1), pageToken: null };
  await withTenant(ref.tenantId, async (tx) => {
    const now = await readDriveState(tx, ref.connectionId);
    await updateDriveState(tx, ref.connectionId, { initialCursor: next, itemsTotal: now?.itemsDone ?? state.itemsDone });
  });
  return false;
}

// Files not met during a full listing are no longer in the picked folders: their documents go. Then incremental.
async function finishInitialSync(ref: ConnectionRef, ctx: DriveSyncContext, state: DriveState): Promise<boolean> {
  const since = state.syncStartedAt ?? new Date(0);
  for (;;) {
    const unseen = await withTenant(ref.tenantId, (tx) => listUnseenFiles(tx, ref.connectionId, since, REMOVE_BATCH));
    if (unseen.length === 0) break;
    for (const fileId of unseen) await removeDriveFile(ctx, fileId);
  }
  await withTenant(ref.tenantId, (tx) => updateDriveState(tx, ref.connectionId, { phase: 'changes', initialCursor: null, lastSyncAt: new Date() }));
  return false;
}

function insideKnownFolders(state: DriveState, parents: string[]): boolean {
  return parents.some((p) => state.knownFolderIds.includes(p));
}

async function applyChange(ref: ConnectionRef, ctx: DriveSyncContext, state: DriveState, change: DriveChange): Promise<void> {
  const file = change.file;
  // removed: deleted for good, or no longer visible to the connected account (its access was taken away).
  if (change.removed || !file || file.trashed) {
    await removeDriveFile(ctx, change.fileId);
    return;
  }
  if (file.mimeType === FOLDER_MIME) {
    if (insideKnownFolders(state, file.parents) && !state.knownFolderIds.includes(file.id)) {
      state.knownFolderIds.push(file.id);
      await withTenant(ref.tenantId, (tx) => updateDriveState(tx, ref.connectionId, { knownFolderIds: state.knownFolderIds }));
    }
    return;
  }
  if (!insideKnownFolders(state, file.parents)) {
    await removeDriveFile(ctx, file.id);
    return;
  }
  await syncDriveFile(ctx, file);
}

async function syncChangesPage(ref: ConnectionRef, ctx: DriveSyncContext, state: DriveState): Promise<boolean> {
  if (!state.changesPageToken) return true;
  const page = await ctx.client.listChanges(state.changesPageToken);
  await withTenant(ref.tenantId, (tx) => updateDriveState(tx, ref.connectionId, { itemsTotal: state.itemsDone + page.changes.length }));
  for (const change of page.changes) {
    await applyChange(ref, ctx, state, change);
    await withTenant(ref.tenantId, (tx) => bumpDriveProgress(tx, ref.connectionId, { done: 1 }));
  }
  const finished = !page.nextPageToken;
  await withTenant(ref.tenantId, async (tx) => {
    const now = await readDriveState(tx, ref.connectionId);
    await updateDriveState(tx, ref.connectionId, {
      changesPageToken: page.nextPageToken ?? page.newStartPageToken ?? state.changesPageToken,
      itemsTotal: now?.itemsDone ?? state.itemsDone,
      ...(finished ? { lastSyncAt: new Date(), lastError: null } : {}),
    });
  });
  return finished;
}

/**
 * Does the next page of work for a connection and says whether more is waiting: the first folder listing page by
 * page (initial sync), then Changes API pages from the stored token. Everything it needs to resume is in the
 * database after each call, so the durable job calls it in a loop of steps and a restarted job carries on.
 */
export async function syncDrivePage(ref: ConnectionRef): Promise<DriveSyncProgress> {
  const state = await withTenant(ref.tenantId, (tx) => readDriveState(tx, ref.connectionId));
  if (!state || state.folders.length === 0) return { done: true, phase: 'idle', itemsDone: 0, itemsTotal: 0 };
  const plan = await readTenantPlan(ref.tenantId);
  const finished = await withAccessToken(ref, async (accessToken) => {
    const client = new DriveClient(accessToken);
    const ctx: DriveSyncContext = { tenantId: ref.tenantId, connectionId: ref.connectionId, plan, client };
    if (state.phase === 'idle' || !state.changesPageToken) {
      await startInitialSync(ref, client, state);
      return false;
    }
    if (state.phase === 'initial') return syncInitialPage(ref, ctx, state);
    return syncChangesPage(ref, ctx, state);
  });
  if (finished) {
    const items = await withTenant(ref.tenantId, (tx) => countSyncedDocuments(tx, ref.connectionId));
    await recordSyncResult(ref, { items, error: null, cursor: null });
  }
  return reread(ref, finished);
}

// At the start of each sync run: the progress counters describe this run only.
export async function beginDriveSyncRun(ref: ConnectionRef): Promise<void> {
  await withTenant(ref.tenantId, async (tx) => {
    const state = await readDriveState(tx, ref.connectionId);
    if (state?.phase === 'changes') await updateDriveState(tx, ref.connectionId, { itemsDone: 0, itemsTotal: 0, itemsSkipped: 0, syncStartedAt: new Date() });
  });
}

export async function recordDriveSyncFailure(ref: ConnectionRef, message: string): Promise<void> {
  await withTenant(ref.tenantId, (tx) => updateDriveState(tx, ref.connectionId, { lastError: message }));
  await recordSyncResult(ref, { error: message });
}
