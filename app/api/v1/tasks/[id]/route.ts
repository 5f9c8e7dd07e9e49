import { deleteTaskOp, getTaskOp, updateTaskOp } from '@/lib/api/tasks';
import { tenantRoute } from '@/lib/http/route';
import { deleteTask, getTask, updateTask } from '@/lib/tasks/tasks';

export const GET = tenantRoute(getTaskOp, ({ tx, params }) => getTask(tx, params.id));

export const PATCH = tenantRoute(updateTaskOp, ({ tx, tenantId, access, params, body }) =>
  updateTask(tx, { tenantId, userId: access.actor.userId }, params.id, body),
);

export const DELETE = tenantRoute(deleteTaskOp, async ({ tx, params }) => {
  await deleteTask(tx, params.id);
});
