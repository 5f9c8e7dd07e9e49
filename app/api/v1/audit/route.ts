import { listAuditOp } from '@/lib/api/audit';
import { listAuditEvents } from '@/lib/audit/query';
import { tenantRoute } from '@/lib/http/route';

export const GET = tenantRoute(listAuditOp, ({ tx, query }) => listAuditEvents(tx, query));
