import { removeMemberOp, updateMemberOp } from '@/lib/api/members';
import { tenantRoute } from '@/lib/http/route';
import { changeMemberRole, removeMember } from '@/lib/tenancy/members';

export const PATCH = tenantRoute(updateMemberOp, ({ tx, access, params, body }) => changeMemberRole(tx, access, params.id, body.roleId));

export const DELETE = tenantRoute(removeMemberOp, async ({ tx, access, params }) => {
  await removeMember(tx, access, params.id);
});
