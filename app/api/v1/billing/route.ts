import { getBillingOp } from '@/lib/api/billing';
import { getBillingView } from '@/lib/billing/accounts';
import { tenantRoute } from '@/lib/http/route';

export const GET = tenantRoute(getBillingOp, ({ tx }) => getBillingView(tx));
