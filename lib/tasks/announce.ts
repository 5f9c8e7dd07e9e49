import { sendEvent } from '@/lib/events/send';
import { taskChanged, type TaskChangedData } from '@/lib/events/tasks';
import type { Operation } from '@/lib/http/operation';
import { tenantRoute, type TenantContext } from '@/lib/http/route';
import { logger } from '@/lib/log';

export type TaskChange = Omit<TaskChangedData, 'tenantId'>;
export type Announce = (change: TaskChange) => void;

// Tells listeners (integrations) about committed task changes. A failed send is logged, never an error: the change
// itself is safe, and a notification is not worth failing a request over.
export async function announceTaskChanges(tenantId: string, changes: readonly TaskChange[]): Promise<void> {
  for (const change of changes) {
    try {
      await sendEvent(taskChanged, { tenantId, ...change });
    } catch (err) {
      logger.error('task/changed not sent', { tenantId, taskId: change.taskId, error: err instanceof Error ? err.message : String(err) });
    }
  }
}

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };

// tenantRoute resolves after its transaction committed or rolled back: changes the handler announced are sent only
// after a successful commit, so no listener hears of a task that is not there.
export function tenantRouteAnnouncingTasks<O extends Operation>(op: O, handler: (ctx: TenantContext<O>, announce: Announce) => Promise<unknown>) {
  return async (req: Request, routeCtx?: NextRouteContext): Promise<Response> => {
    const changes: TaskChange[] = [];
    const seen: { tenantId?: string } = {};
    const response = await tenantRoute(op, (ctx) => {
      seen.tenantId = ctx.tenantId;
      return handler(ctx, (change) => changes.push(change));
    })(req, routeCtx);
    if (response.ok && seen.tenantId && changes.length > 0) await announceTaskChanges(seen.tenantId, changes);
    return response;
  };
}
