import { inngest } from '@/inngest/client';
import { taskChanged } from '@/lib/events/tasks';
import { findSlackConnection } from '@/lib/integrations/slack/connection';
import { postTaskNotice, prepareTaskNotice } from '@/lib/integrations/slack/tasks';
import { providerStep } from '@/inngest/integrations';

// Morning of the due date, UTC: when the "due today" notice goes out.
const DUE_HOUR_UTC = 9;

// Tells the organization's Slack notification channel about a new or newly assigned task, then sleeps until the
// task falls due and tells it again if the task is still open with the same due date.
export const notifySlackTask = inngest.createFunction(
  { id: 'notify-slack-task', name: 'Notify Slack about a task', triggers: [taskChanged], retries: 4 },
  async ({ event, step }) => {
    const ref = await step.run('find-connection', () => findSlackConnection(event.data.tenantId));
    if (!ref) return { outcome: 'not_connected' };
    const notice = await step.run('prepare', () => prepareTaskNotice(ref, event.data.taskId, event.data.change));
    if (notice) await step.run('post', () => providerStep(() => postTaskNotice(ref, notice)));
    const dueDate = notice?.dueDate;
    if (!dueDate) return { outcome: notice ? 'posted' : 'nothing_to_say' };
    await step.sleepUntil('until-due', new Date(`${dueDate}T${String(DUE_HOUR_UTC).padStart(2, '0')}:00:00Z`));
    const due = await step.run('prepare-due', () => prepareTaskNotice(ref, event.data.taskId, 'due'));
    if (due) await step.run('post-due', () => providerStep(() => postTaskNotice(ref, due)));
    return { outcome: due ? 'posted_due' : 'posted' };
  },
);
