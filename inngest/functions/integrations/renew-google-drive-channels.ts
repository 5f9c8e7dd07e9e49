import { inngest } from '@/inngest/client';
import { isDriveChannelDue, listDriveConnections, renewDriveChannel } from '@/lib/integrations/google-drive/watch';
import { logger } from '@/lib/log';

// Every 6 hours: push channels that lapse within a day get a new one (Drive channels expire after at most a week).
// One step per connection, so one account's failure neither stops the others nor repeats their work on retry.
export const renewGoogleDriveChannelsOnSchedule = inngest.createFunction(
  { id: 'renew-google-drive-channels', triggers: [{ cron: 'TZ=UTC 20 */6 * * *' }], retries: 2, concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const connections = await step.run('list-connections', async () => (await listDriveConnections()).map((c) => c.ref));
    let renewed = 0;
    for (const ref of connections) {
      const outcome = await step.run(`renew-${ref.connectionId}`, async () => {
        if (!(await isDriveChannelDue(ref))) return 'current';
        try {
          return await renewDriveChannel(ref);
        } catch (err) {
          logger.warn('Google Drive channel not renewed; the backstop sync still runs', { tenantId: ref.tenantId, error: String(err) });
          return 'failed';
        }
      });
      if (outcome === 'renewed') renewed++;
    }
    return { connections: connections.length, renewed };
  },
);
