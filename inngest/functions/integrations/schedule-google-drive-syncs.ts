import { inngest } from '@/inngest/client';
import { listDriveConnections } from '@/lib/integrations/google-drive/watch';
import { requestSync } from '@/lib/integrations/sync';

const SLOT_MS = 15 * 60_000;

// The backstop: every 15 minutes each connection looks for changes, whether or not a push notification came (they
// can be lost, and none come without APP_URL on a verified https domain). The event id names the slot, so a
// repeated cron run sends nothing twice.
export const scheduleGoogleDriveSyncs = inngest.createFunction(
  { id: 'schedule-google-drive-syncs', triggers: [{ cron: 'TZ=UTC */15 * * * *' }], retries: 2, concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const plan = await step.run('list-connections', async () => ({
      slot: Math.floor(Date.now() / SLOT_MS),
      refs: (await listDriveConnections()).map((c) => c.ref),
    }));
    await step.run('send-events', async () => {
      for (const ref of plan.refs) {
        await requestSync({ ...ref, provider: 'google_drive', reason: 'schedule', key: String(plan.slot) });
      }
    });
    return { connections: plan.refs.length };
  },
);
