import { getSecuritySettingsOp, updateSecuritySettingsOp } from '@/lib/api/settings';
import { tenantRoute } from '@/lib/http/route';
import { getSecuritySettings, updateSecuritySettings } from '@/lib/tenancy/security-policy';

export const GET = tenantRoute(getSecuritySettingsOp, ({ tx }) => getSecuritySettings(tx));
export const PATCH = tenantRoute(updateSecuritySettingsOp, ({ tx, tenantId, principal, access, body }) =>
  updateSecuritySettings(tx, { tenantId, principal, roleKey: access.roleKey, permissions: access.permissions }, body),
);
