import { getDashboardOp } from '@/lib/api/dashboard';
import { getDashboard } from '@/lib/dashboard/dashboard';
import { tenantRoute } from '@/lib/http/route';

export const GET = tenantRoute(getDashboardOp, ({ tx, access }) => getDashboard(tx, access));
