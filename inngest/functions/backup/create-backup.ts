import { inngest } from '@/inngest/client';
import { raisePlatformAlert } from '@/lib/alerts/raise';
import { checkDrillOverdue } from '@/lib/backup/drill';
import { runBackup } from '@/lib/backup/run';
import { getBackupStore } from '@/lib/backup/store';
import { envSchema, getEnv } from '@/lib/env';

// Daily by default (BACKUP_SCHEDULE, a cron expression; read when the function is registered). The archive goes
// to the backup store and older ones past BACKUP_KEEP_DAYS are pruned. The step returns the summary only. A backup
// that still fails after its retries is an operator alert; so is a restore drill that has not passed for weeks.
// Parsed alone, not through getEnv(): that would cache the whole environment when this module is imported, before a
// script or test has finished setting it.
const schedule = envSchema.shape.BACKUP_SCHEDULE.parse(process.env.BACKUP_SCHEDULE || undefined);

export const createBackupOnSchedule = inngest.createFunction(
  {
    id: 'create-backup',
    triggers: [{ cron: schedule }],
    retries: 2,
    concurrency: [{ limit: 1 }],
    onFailure: async ({ error, step }) => {
      await step.run('alert', () =>
        raisePlatformAlert({ key: 'backup-failed', title: 'Scheduled backup failed', text: error.message.slice(0, 2_000), severity: 'critical' }),
      );
    },
  },
  async ({ step }) => {
    const summary = await step.run('create-backup', () => runBackup(getEnv()));
    const drillOverdue = await step.run('check-drills', async () => {
      const oldest = (await getBackupStore(getEnv()).list())[0];
      return oldest ? checkDrillOverdue(new Date(), oldest.createdAt) : false;
    });
    return { ...summary, drillOverdue };
  },
);
