import { getTenantBillingOp } from '@/lib/api/billing';
import { getBillingView } from '@/lib/billing/accounts';
import { withTenant } from '@/lib/db/tenant';
import { platformRoute } from '@/lib/http/platform-route';

export const GET = platformRoute(getTenantBillingOp, ({ params }) => withTenant(params.id, (tx) => getBillingView(tx)));
