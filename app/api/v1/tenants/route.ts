import { createTenantOp } from '@/lib/api/identity';
import { userAgent } from '@/lib/http/request-meta';
import { userRoute } from '@/lib/http/route';
import { createOrganization } from '@/lib/tenancy/tenants';

export const POST = userRoute(createTenantOp, ({ principal, body, requestId, ip, req }) =>
  createOrganization(principal, body, { requestId, ip, userAgent: userAgent(req) }),
);
