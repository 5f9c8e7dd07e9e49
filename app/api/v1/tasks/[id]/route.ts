import { deleteTaskOp, getTaskOp, updateTaskOp } from '@/lib/api/tasks';
import { tenantRoute } from '@/lib/http/route';
import { tenantRouteAnnouncingTasks } from '@/lib/tasks/announce';
import { deleteTask, getTask, updateTask } from '@/lib/tasks/tasks';

export const GET = tenantRoute(getTaskOp, ({ tx, params }) => getTask(tx, params.id));

export const PATCH = tenantRouteAnnouncingTasks(updateTaskOp, async ({ tx, tenantId, access, params, body }, announce) => {
  const task = await updateTask(tx, { tenantId, userId: access.actor.userId }, params.id, body);
  if (body.assigneeId) announce({ taskId: task.id, change: 'assigned' });
  return task;
});

export const DELETE = tenantRoute(deleteTaskOp, async ({ tx, params }) => {
  await deleteTask(tx, params.id);
});
