import { getUsageOp } from '@/lib/api/usage';
import { tenantRoute } from '@/lib/http/route';
import { getUsageSummary } from '@/lib/usage/summary';

export const GET = tenantRoute(getUsageOp, ({ tx, query }) => getUsageSummary(tx, query));
