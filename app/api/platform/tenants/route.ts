import { provisionTenantOp } from '@/lib/api/platform';
import { platformRoute } from '@/lib/http/platform-route';
import { provisionTenant } from '@/lib/tenancy/provision';

export const POST = platformRoute(provisionTenantOp, ({ body }) => provisionTenant(body));
