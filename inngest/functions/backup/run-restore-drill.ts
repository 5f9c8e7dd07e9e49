import { inngest } from '@/inngest/client';
import { runRestoreDrill } from '@/lib/backup/drill';
import { getEnv } from '@/lib/env';

// Monthly, the 1st at 04:00 UTC (after the daily backup). No retries: a failed drill is recorded and alerted by
// runRestoreDrill itself, and repeating it would only hide the failure behind a later pass.
export const runRestoreDrillOnSchedule = inngest.createFunction(
  { id: 'run-restore-drill', triggers: [{ cron: 'TZ=UTC 0 4 1 * *' }], retries: 0, concurrency: [{ limit: 1 }] },
  async ({ step }) =>
    step.run('drill', async () => {
      const drill = await runRestoreDrill(getEnv());
      return { id: drill.id, status: drill.status, restoreMs: drill.restoreMs, backupAgeMs: drill.backupAgeMs };
    }),
);
