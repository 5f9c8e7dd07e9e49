import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { raisePlatformAlert } from '@/lib/alerts/raise';
import type { PlatformAlertData } from '@/lib/events/alerts';
import { chooseDriver, getDb } from '@/lib/db/client';
import { restoreDrills, RESTORE_DRILL_STATUSES } from '@/lib/db/schema';
import type { Env } from '@/lib/env';
import { logger } from '@/lib/log';
import { createLocalBlobStore } from '@/lib/storage/blob-store';
import { resolveBackupKey } from './key';
import { restoreBackup } from './restore';
import { neonBranchScratch } from './neon-branch';
import { getBackupStore, type BackupStore } from './store';
import { openPgliteTarget, openPostgresAsOwner, openPostgresTarget, type OwnerDatabase } from './target';

const HOUR_MS = 60 * 60 * 1000;
// The drill is monthly; a month and a few days without a passed one means the schedule stopped working.
export const DRILL_OVERDUE_DAYS = 35;

export const restoreDrillSchema = z
  .object({
    id: z.uuid(),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    status: z.enum(RESTORE_DRILL_STATUSES),
    backupName: z.string().nullable(),
    backupCreatedAt: z.iso.datetime().nullable(),
    target: z.string().describe('The kind of scratch copy restored into (no credentials)'),
    restoreMs: z.number().int().nullable().describe('RTO measured: download, verify, restore and check, in ms'),
    backupAgeMs: z.number().int().nullable().describe('RPO measured: age of the newest backup when the drill started, in ms'),
    rows: z.number().int().nullable(),
    blobs: z.number().int().nullable(),
    detail: z.string(),
  })
  .meta({ id: 'RestoreDrill' });
export type RestoreDrill = z.infer<typeof restoreDrillSchema>;

export const restoreDrillListSchema = z.object({ items: z.array(restoreDrillSchema) }).meta({ id: 'RestoreDrillList' });

/** A throwaway database to restore into, dropped after the drill. */
export interface ScratchDatabase {
  label: string;
  /** The copy starts with data in it (a Neon branch of the live database): restore replaces it (force). */
  replaces?: boolean;
  open(): Promise<OwnerDatabase>;
  drop(): Promise<void>;
}

// Neon with NEON_API_KEY and NEON_PROJECT_ID: a throwaway branch (lib/backup/neon-branch.ts). PGlite: a second
// in-memory instance. PostgreSQL (and Neon without the API key): CREATE DATABASE next to the live one, as the owner
// (which needs CREATEDB), dropped WITH (FORCE) afterwards.
export function defaultScratch(env: Env): ScratchDatabase {
  if (env.NEON_API_KEY && env.NEON_PROJECT_ID) {
    return neonBranchScratch({ apiKey: env.NEON_API_KEY, projectId: env.NEON_PROJECT_ID, parentBranchId: env.NEON_BRANCH_ID, baseUrl: env.NEON_API_URL });
  }
  const ownerUrl = env.DATABASE_OWNER_URL ?? env.DATABASE_URL;
  let handle: OwnerDatabase | undefined;
  if (chooseDriver(env) === 'pglite' || !ownerUrl) {
    return {
      label: 'pglite:memory',
      open: async () => (handle ??= await openPgliteTarget('memory://')),
      drop: async () => handle?.close(),
    };
  }
  const name = `reflex_drill_${randomBytes(6).toString('hex')}`;
  const url = new URL(ownerUrl);
  url.pathname = `/${name}`;
  return {
    label: 'postgres:create-database',
    open: async () => {
      if (handle) return handle;
      const admin = await openPostgresAsOwner(ownerUrl);
      try {
        await admin.db.execute(sql`create database ${sql.identifier(name)}`);
      } finally {
        await admin.close();
      }
      handle = await openPostgresTarget(url.toString());
      return handle;
    },
    drop: async () => {
      await handle?.close();
      if (!handle) return;
      const admin = await openPostgresAsOwner(ownerUrl);
      try {
        await admin.db.execute(sql`drop database if exists ${sql.identifier(name)} with (force)`);
      } finally {
        await admin.close();
      }
    },
  };
}

function toDrill(row: typeof restoreDrills.$inferSelect): RestoreDrill {
  return {
    id: row.id,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt.toISOString(),
    status: row.status,
    backupName: row.backupName,
    backupCreatedAt: row.backupCreatedAt?.toISOString() ?? null,
    target: row.target,
    restoreMs: row.restoreMs,
    backupAgeMs: row.backupAgeMs,
    rows: row.rows,
    blobs: row.blobs,
    detail: row.detail,
  };
}

export interface DrillOptions {
  store?: BackupStore;
  scratch?: ScratchDatabase;
  now?: () => Date;
  raiseAlert?: (alert: PlatformAlertData) => Promise<unknown>;
}

/**
 * The monthly restore drill: restores the newest backup into a scratch database and blob directory, which
 * verifies the archive, the row counts, the blob checksums and every tenant's audit chain (restoreBackup), then
 * drops the copy. Records RTO (how long it took) and RPO (how old the backup was) in restore_drills, and raises an
 * operator alert when it failed or when the backup was older than BACKUP_MAX_AGE_HOURS (backups are late).
 */
export async function runRestoreDrill(env: Env, opts: DrillOptions = {}): Promise<RestoreDrill> {
  const clock = opts.now ?? (() => new Date());
  const store = opts.store ?? getBackupStore(env);
  const scratch = opts.scratch ?? defaultScratch(env);
  const startedAt = clock();
  const work = await mkdtemp(path.join(tmpdir(), 'reflex-drill-'));
  let status: RestoreDrill['status'] = 'failed';
  let detail = '';
  let latest: Awaited<ReturnType<BackupStore['list']>>[number] | undefined;
  let counts: { rows: number; blobs: number } | undefined;
  let restoreMs: number | null = null;
  try {
    latest = (await store.list()).at(-1);
    if (!latest) throw new Error(`no backup found in ${store.location}`);
    const file = path.join(work, latest.name);
    await store.download(latest.name, file);
    const result = await restoreBackup({
      archivePath: file,
      key: await resolveBackupKey(env),
      // The scratch copy stays open until drop(), whatever restoreBackup closes.
      openTarget: async () => ({ ...(await scratch.open()), close: async () => {} }),
      blobStore: createLocalBlobStore(path.join(work, 'blobs')),
      force: scratch.replaces,
    });
    restoreMs = clock().getTime() - startedAt.getTime();
    counts = { rows: result.rows, blobs: result.blobs };
    const ageHours = (startedAt.getTime() - latest.createdAt.getTime()) / HOUR_MS;
    if (ageHours > env.BACKUP_MAX_AGE_HOURS) detail = `restored, but the newest backup is ${ageHours.toFixed(1)} h old (limit ${env.BACKUP_MAX_AGE_HOURS} h): backups are late`;
    else {
      status = 'passed';
      detail = `restored ${result.rows} rows, ${result.blobs} blobs; ${result.auditChainsVerified} audit chains verified`;
    }
  } catch (err) {
    detail = err instanceof Error ? err.message : String(err);
  } finally {
    await scratch.drop().catch((err: unknown) => logger.error('drill: scratch copy not dropped', { target: scratch.label, error: String(err) }));
    await rm(work, { recursive: true, force: true });
  }
  const [row] = await (await getDb())
    .insert(restoreDrills)
    .values({
      startedAt,
      finishedAt: clock(),
      status,
      backupName: latest?.name ?? null,
      backupCreatedAt: latest?.createdAt ?? null,
      target: scratch.label,
      restoreMs,
      backupAgeMs: latest ? startedAt.getTime() - latest.createdAt.getTime() : null,
      rows: counts?.rows ?? null,
      blobs: counts?.blobs ?? null,
      detail: detail.slice(0, 2_000),
    })
    .returning();
  if (!row) throw new Error('drill: the record was not written');
  const drill = toDrill(row);
  if (status === 'failed') {
    await (opts.raiseAlert ?? raisePlatformAlert)({ key: 'backup-restore-drill', title: 'Restore drill failed', text: detail.slice(0, 2_000), severity: 'critical' });
  }
  logger.info('drill: recorded', { status, restoreMs, backupAgeMs: drill.backupAgeMs });
  return drill;
}

export async function listRestoreDrills(limit = 50): Promise<RestoreDrill[]> {
  const rows = await (await getDb()).select().from(restoreDrills).orderBy(desc(restoreDrills.startedAt)).limit(limit);
  return rows.map(toDrill);
}

// Run with the daily backup: a drill that has not passed for DRILL_OVERDUE_DAYS (the monthly cron stopped, or
// keeps failing) is an operator alert of its own. A new deployment is not overdue before its oldest backup is that
// old (expectedSince), so the first month does not alert every day.
export async function checkDrillOverdue(
  now: Date,
  expectedSince: Date,
  raiseAlert: (alert: PlatformAlertData) => Promise<unknown> = raisePlatformAlert,
): Promise<boolean> {
  const [last] = await (await getDb())
    .select({ startedAt: restoreDrills.startedAt })
    .from(restoreDrills)
    .where(eq(restoreDrills.status, 'passed'))
    .orderBy(desc(restoreDrills.startedAt))
    .limit(1);
  const since = last?.startedAt ?? expectedSince;
  const overdue = now.getTime() - since.getTime() > DRILL_OVERDUE_DAYS * 24 * HOUR_MS;
  if (overdue) {
    await raiseAlert({
      key: 'backup-restore-drill-overdue',
      title: 'Restore drill overdue',
      text: last ? `The last passed restore drill started ${last.startedAt.toISOString()}.` : 'No restore drill has passed yet.',
      severity: 'warning',
    });
  }
  return overdue;
}
