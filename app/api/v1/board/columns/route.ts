import { listColumnsOp, replaceColumnsOp } from '@/lib/api/tasks';
import { tenantRoute } from '@/lib/http/route';
import { currentEventId } from '@/lib/realtime/outbox';
import { listColumns, replaceColumns } from '@/lib/tasks/columns';

// X-Last-Event-Id: as on GET /api/v1/tasks.
export const GET = tenantRoute(listColumnsOp, async ({ tx, tenantId, headers }) => {
  headers['x-last-event-id'] = String(await currentEventId(tx));
  return listColumns(tx, tenantId);
});

export const PUT = tenantRoute(replaceColumnsOp, ({ tx, tenantId, body }) => replaceColumns(tx, tenantId, body));
