import { listAuditOp } from '@/lib/api/audit';
import { listAuditPage } from '@/lib/audit/display';
import { tenantRoute } from '@/lib/http/route';

export const GET = tenantRoute(listAuditOp, ({ tx, query }) => listAuditPage(tx, query));
