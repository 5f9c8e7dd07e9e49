import { inngest } from '@/inngest/client';
import { slackFileShared } from '@/lib/events/slack';
import { recordSyncResult } from '@/lib/integrations/connections';
import { importSlackFile } from '@/lib/integrations/slack/files';
import { providerStep } from '@/inngest/integrations';

// A file shared in a synced channel becomes a document (deduplicated by checksum); the result is recorded on the
// connection so the Slack card shows what was synced and why a file was not.
export const importSlackFileFunction = inngest.createFunction(
  { id: 'import-slack-file', name: 'Import a file shared in Slack', triggers: [slackFileShared], retries: 4, concurrency: [{ key: 'event.data.tenantId', limit: 2 }] },
  async ({ event, step }) => {
    const result = await step.run('import', () => providerStep(() => importSlackFile(event.data)));
    const ref = { tenantId: event.data.tenantId, connectionId: event.data.connectionId };
    if (result.status === 'imported') await step.run('record', () => recordSyncResult(ref, { items: 1, error: null }));
    if (result.status === 'too_large' || result.status === 'refused') {
      await step.run('record-error', () => recordSyncResult(ref, { error: `A file from Slack was not imported: ${result.reason ?? result.status}` }));
    }
    return result;
  },
);
