import { inngest } from '@/inngest/client';
import { documentProcessed } from '@/lib/events/documents';
import { withTenant } from '@/lib/db/tenant';
import { announceTaskChanges, type TaskChange } from '@/lib/tasks/announce';
import { createTasksFromActions } from '@/lib/tasks/from-actions';

export const CREATE_TASKS_RETRIES = 3;

// document/processed → one task per action item. Idempotent by (tenant, document, item index), so a retried run
// or a reprocessed document never duplicates tasks; the tasks and their realtime events commit together.
export const createTasksFromActionsFunction = inngest.createFunction(
  {
    id: 'create-tasks-from-actions',
    name: 'Create tasks from action items',
    triggers: [documentProcessed],
    retries: CREATE_TASKS_RETRIES,
    concurrency: [{ key: 'event.data.tenantId', limit: 2 }],
  },
  async ({ event, step }) => {
    const { tenantId, documentId, actionItems } = event.data;
    if (actionItems.length === 0) return { documentId, created: 0, skipped: 0 };
    const result = await step.run('create-tasks', () =>
      withTenant(tenantId, (tx) => createTasksFromActions(tx, { tenantId, documentId, actionItems })),
    );
    if (result.created.length > 0) {
      await step.run('announce', () => announceTaskChanges(tenantId, result.created.map((taskId): TaskChange => ({ taskId, change: 'created' }))));
    }
    return { documentId, created: result.created.length, skipped: result.skipped };
  },
);
