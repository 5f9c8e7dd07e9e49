import { createTaskOp, listTasksOp } from '@/lib/api/tasks';
import { tenantRoute } from '@/lib/http/route';
import { currentEventId } from '@/lib/realtime/outbox';
import { tenantRouteAnnouncingTasks } from '@/lib/tasks/announce';
import { createTask, listTasks } from '@/lib/tasks/tasks';

// X-Last-Event-Id: resume GET /api/v1/events from here to receive every change made after this read.
export const GET = tenantRoute(listTasksOp, async ({ tx, tenantId, access, query, headers }) => {
  headers['x-last-event-id'] = String(await currentEventId(tx));
  return listTasks(tx, { tenantId, userId: access.actor.userId }, query);
});

export const POST = tenantRouteAnnouncingTasks(createTaskOp, async ({ tx, tenantId, access, body }, announce) => {
  const task = await createTask(tx, { tenantId, userId: access.actor.userId }, body);
  announce({ taskId: task.id, change: 'created' });
  return task;
});
