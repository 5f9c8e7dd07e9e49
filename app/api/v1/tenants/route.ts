import { createTenantOp } from '@/lib/api/identity';
import { userRoute } from '@/lib/http/route';
import { createOrganization } from '@/lib/tenancy/tenants';

export const POST = userRoute(createTenantOp, ({ principal, body }) => createOrganization(principal, body));
