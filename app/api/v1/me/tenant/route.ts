import { switchTenantOp } from '@/lib/api/identity';
import { userRoute } from '@/lib/http/route';
import { switchTenant } from '@/lib/tenancy/tenants';

export const POST = userRoute(switchTenantOp, ({ principal, body }) => switchTenant(principal, body.tenantId));
