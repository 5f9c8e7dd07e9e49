import { createRoleOp, listRolesOp } from '@/lib/api/roles';
import { tenantRoute } from '@/lib/http/route';
import { createRole, listRoles } from '@/lib/tenancy/roles';

export const GET = tenantRoute(listRolesOp, ({ tx }) => listRoles(tx));
export const POST = tenantRoute(createRoleOp, ({ tx, tenantId, access, body }) => createRole(tx, tenantId, access, body));
