import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { syncGoogleDrive } from '@/inngest/functions/integrations/sync-google-drive';
import { drainLocalRunner, listRuns, startLocalRunner, stopLocalRunner, waitForRun } from '@/inngest/local';
import { documents, googleDriveFiles, integrationConnections } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { resetEnvForTests } from '@/lib/env';
import { startDriveFake, type DriveFake } from '@/tests/fakes/google-drive-fake';
import { provision, signIn } from '../../helpers/http';
import { isolateRunnerDatabase } from '../../runner/harness';
import { approveAtProvider, returnToCallback, startConnect, type Browser } from '../fake-provider';

// One Drive fake, Google env pointed at it, and the local runner with only the Drive sync function (documents the
// sync creates queue a pipeline run nobody picks up here: the pipeline has its own tests).

export const APP_URL = 'https://reflex.example.test';

export interface DriveTestEnv {
  fake: DriveFake;
  release: () => Promise<void>;
}

export async function startDriveTestEnv(): Promise<DriveTestEnv> {
  const blobDir = mkdtempSync(path.join(tmpdir(), 'reflex-drive-blobs-'));
  process.env.BLOB_DIR = blobDir;
  delete process.env.BLOB_READ_WRITE_TOKEN;
  const releaseDb = await isolateRunnerDatabase();
  const fake = await startDriveFake();
  process.env.GOOGLE_CLIENT_ID = fake.clientId;
  process.env.GOOGLE_CLIENT_SECRET = fake.clientSecret;
  process.env.GOOGLE_OAUTH_BASE = fake.url;
  process.env.GOOGLE_API_BASE = fake.url;
  process.env.APP_URL = APP_URL;
  resetEnvForTests();
  const runner = await startLocalRunner({ functions: [syncGoogleDrive], backoffBaseMs: 20, backoffMaxMs: 200 });
  if (!runner) throw new Error('these tests need the local runner: unset INNGEST_EVENT_KEY and INNGEST_BASE_URL');
  return {
    fake,
    release: async () => {
      await drainLocalRunner().catch(() => undefined);
      await stopLocalRunner();
      await fake.close();
      await releaseDb();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
}

export interface DriveOrg {
  tenantId: string;
  browser: Browser;
  connectionId: string;
}

// An organization whose owner connected Google Drive through the framework's real OAuth routes and the fake.
export async function connectedOrg(plan: 'standard' | 'professional' | 'enterprise' = 'professional'): Promise<DriveOrg> {
  const t = await provision(undefined, undefined, plan);
  const browser: Browser = { cookie: (await signIn(t.ownerEmail)).cookie, tenantId: t.tenantId };
  const started = await startConnect(browser, 'google_drive');
  expect(started.status, JSON.stringify(started.body)).toBe(302);
  const back = await approveAtProvider(started.location ?? '');
  const done = await returnToCallback(browser, back, started.stateCookie, 'google_drive');
  expect(done.error).toBeNull();
  const [connection] = await withTenant(t.tenantId, (tx) =>
    tx.select({ id: integrationConnections.id }).from(integrationConnections).where(eq(integrationConnections.provider, 'google_drive')),
  );
  if (!connection) throw new Error('no Google Drive connection after the OAuth flow');
  // The connect announcement starts a sync run (nothing to do yet: no folders); let it end before the test acts.
  await settle();
  return { tenantId: t.tenantId, browser, connectionId: connection.id };
}

// Every sync run of the runner finished, including those waiting out a Retry-After (drain alone returns while a
// run is scheduled for later).
export async function settle(): Promise<void> {
  await drainLocalRunner(60_000);
  for (;;) {
    const open = await listRuns({ status: ['queued', 'running', 'retrying', 'sleeping', 'waiting'] });
    if (open.length === 0) return;
    for (const run of open) await waitForRun(run.id, 60_000);
    await drainLocalRunner(60_000);
  }
}

export interface SyncedDoc {
  fileId: string;
  documentId: string | null;
  skippedReason: string | null;
  title: string | null;
  text: string | null;
  generation: number | null;
  kind: string | null;
}

export async function syncedFiles(org: DriveOrg): Promise<SyncedDoc[]> {
  return withTenant(org.tenantId, (tx) =>
    tx
      .select({
        fileId: googleDriveFiles.fileId,
        documentId: googleDriveFiles.documentId,
        skippedReason: googleDriveFiles.skippedReason,
        title: documents.title,
        text: documents.text,
        generation: documents.generation,
        kind: documents.kind,
      })
      .from(googleDriveFiles)
      .leftJoin(documents, and(eq(documents.id, googleDriveFiles.documentId), eq(documents.tenantId, googleDriveFiles.tenantId)))
      .where(eq(googleDriveFiles.connectionId, org.connectionId)),
  );
}

export async function documentCount(tenantId: string): Promise<number> {
  const [row] = await withTenant(tenantId, (tx) => tx.select({ n: sql<number>`count(*)::int` }).from(documents));
  return row?.n ?? 0;
}
