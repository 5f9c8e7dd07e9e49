import { deleteRoleOp, updateRoleOp } from '@/lib/api/roles';
import { tenantRoute } from '@/lib/http/route';
import { deleteRole, updateRole } from '@/lib/tenancy/roles';

export const PATCH = tenantRoute(updateRoleOp, ({ tx, access, params, body }) => updateRole(tx, access, params.id, body));
export const DELETE = tenantRoute(deleteRoleOp, ({ tx, params }) => deleteRole(tx, params.id));
