import { InngestTestEngine } from '@inngest/test';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { createBackupOnSchedule } from '@/inngest/functions/backup/create-backup';
import { runRestoreDrillOnSchedule } from '@/inngest/functions/backup/run-restore-drill';
import * as drillsRoute from '@/app/api/platform/backups/drills/route';
import { checkDrillOverdue, runRestoreDrill } from '@/lib/backup/drill';
import { runBackup } from '@/lib/backup/run';
import { createLocalBackupStore } from '@/lib/backup/store';
import { closeDb } from '@/lib/db/client';
import { getEnv, resetEnvForTests } from '@/lib/env';
import { provisionTenant } from '@/lib/tenancy/provision';
import type { PlatformAlertData } from '@/lib/events/alerts';
import { closeOwnerDb, onServerDatabase } from '../helpers/db';
import { call } from '../helpers/http';
import { KEY, seedTenant, tempDir } from './helpers';

const PLATFORM_TOKEN = 'drill-platform-token-0123456789abcdef';
process.env.BLOB_DIR = tempDir('blobs');
process.env.BACKUP_DIR = tempDir('store');
process.env.BACKUP_ENCRYPTION_KEY = KEY.toString('base64');
process.env.PLATFORM_ADMIN_TOKEN = PLATFORM_TOKEN;
// Backups and drills run as the owner; on a server the app's own URL is a login role without CREATEDB.
const ownerUrl = inject('ownerDatabaseUrl');
if (ownerUrl) process.env.DATABASE_OWNER_URL = ownerUrl;
const kind = onServerDatabase() ? 'postgres' : 'pglite';

afterAll(async () => {
  await closeOwnerDb();
  await closeDb();
});

const HOUR = 3_600_000;

describe(`restore drills (${kind})`, () => {
  it('restores the newest backup into a scratch copy, records RTO and RPO, and shows the history to operators', async () => {
    await seedTenant('drill');
    const backup = await runBackup(getEnv());
    expect(backup.bytes).toBeGreaterThan(0);
    expect(backup.rows).toBeGreaterThan(0);
    expect(backup.location).toBe(process.env.BACKUP_DIR && createLocalBackupStore(process.env.BACKUP_DIR).location);

    const alerts = vi.fn<(a: PlatformAlertData) => Promise<unknown>>(async () => true);
    const passed = await runRestoreDrill(getEnv(), { raiseAlert: alerts });
    expect(passed.status, passed.detail).toBe('passed');
    expect(passed.backupName).toBe(backup.archive);
    expect(passed.restoreMs).toBeGreaterThanOrEqual(0);
    expect(passed.backupAgeMs).toBeGreaterThanOrEqual(0);
    expect(passed.rows).toBe(backup.rows);
    expect(passed.target).toBe(kind === 'pglite' ? 'pglite:memory' : 'postgres:create-database');
    expect(alerts).not.toHaveBeenCalled();

    // The same backup, judged 30 hours later: restorable, but backups are late (RPO objective missed).
    const late = await runRestoreDrill(getEnv(), { raiseAlert: alerts, now: () => new Date(Date.now() + 30 * HOUR) });
    expect(late.status).toBe('failed');
    expect(late.detail).toMatch(/backups are late/);
    expect(alerts).toHaveBeenCalledWith(expect.objectContaining({ key: 'backup-restore-drill', severity: 'critical' }));

    const empty = await runRestoreDrill(getEnv(), { raiseAlert: alerts, store: createLocalBackupStore(tempDir('empty')) });
    expect(empty.status).toBe('failed');
    expect(empty.detail).toMatch(/no backup found/);

    const res = await call(drillsRoute.GET, { path: '/api/platform/backups/drills', headers: { authorization: `Bearer ${PLATFORM_TOKEN}` } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ids = (res.body.items as { id: string }[]).map((d) => d.id);
    expect(ids).toEqual(expect.arrayContaining([passed.id, late.id, empty.id]));
    // A tenant's own owner key is not an operator: the history is never reachable from a tenant.
    const tenant = await provisionTenant({ name: 'Drill outsider', ownerEmail: `outsider-${Date.now()}@example.test`, plan: 'standard' });
    for (const token of ['wrong-token-wrong-token-wrong', tenant.apiKey.secret]) {
      const denied = await call(drillsRoute.GET, { path: '/api/platform/backups/drills', headers: { authorization: `Bearer ${token}` } });
      expect(denied.status).toBe(401);
      expect(JSON.stringify(denied.body)).not.toContain(passed.id);
    }
    delete process.env.PLATFORM_ADMIN_TOKEN;
    resetEnvForTests();
    try {
      const hidden = await call(drillsRoute.GET, { path: '/api/platform/backups/drills', headers: { authorization: `Bearer ${PLATFORM_TOKEN}` } });
      expect(hidden.status).toBe(404);
    } finally {
      process.env.PLATFORM_ADMIN_TOKEN = PLATFORM_TOKEN;
      resetEnvForTests();
    }
  });

  it('an overdue drill is an operator alert; a recent pass is not', async () => {
    const alerts = vi.fn<(a: PlatformAlertData) => Promise<unknown>>(async () => true);
    expect(await checkDrillOverdue(new Date(), new Date(Date.now() - 90 * 24 * HOUR), alerts)).toBe(false);
    expect(alerts).not.toHaveBeenCalled();
    expect(await checkDrillOverdue(new Date(Date.now() + 40 * 24 * HOUR), new Date(), alerts)).toBe(true);
    expect(alerts).toHaveBeenCalledWith(expect.objectContaining({ key: 'backup-restore-drill-overdue' }));
  });
});

describe(`backup and drill crons (${kind})`, () => {
  it('the daily function stores a backup, the monthly one restores it and records a passed drill', async () => {
    const before = (await createLocalBackupStore(getEnv().BACKUP_DIR).list()).length;
    const backup = new InngestTestEngine({ function: createBackupOnSchedule, events: [{ name: 'inngest/scheduled.timer', data: { cron: getEnv().BACKUP_SCHEDULE } }] });
    const { result: stored } = await backup.execute();
    expect(stored).toMatchObject({ drillOverdue: false, tables: expect.any(Number) });
    expect((await createLocalBackupStore(getEnv().BACKUP_DIR).list()).length).toBe(before + 1);

    const drill = new InngestTestEngine({ function: runRestoreDrillOnSchedule, events: [{ name: 'inngest/scheduled.timer', data: { cron: 'TZ=UTC 0 4 1 * *' } }] });
    const { result: drilled } = await drill.execute();
    expect(drilled).toMatchObject({ status: 'passed', restoreMs: expect.any(Number) });
    const res = await call(drillsRoute.GET, { path: '/api/platform/backups/drills', headers: { authorization: `Bearer ${PLATFORM_TOKEN}` } });
    const id = (drilled as { id: string }).id; // the step's return shape
    expect((res.body.items as { id: string; status: string }[]).find((d) => d.id === id)?.status).toBe('passed');
  });
});
