import { getQuotasOp } from '@/lib/api/quotas';
import { tenantRoute } from '@/lib/http/route';
import { getQuotaReport } from '@/lib/quotas/report';

export const GET = tenantRoute(getQuotasOp, ({ tx, tenantId }) => getQuotaReport(tx, tenantId));
