import { z } from 'zod';
import { defineEvent } from './define';

// A task was created or given to someone (sent after the change committed, lib/tasks/announce.ts). Integrations
// listen: integrations/notify-slack-task tells the organization's Slack channel, and again when the task falls due.
export const taskChanged = defineEvent('task/changed', {
  taskId: z.uuid(),
  change: z.enum(['created', 'assigned']),
});
export type TaskChangedData = z.infer<typeof taskChanged.schema>;
