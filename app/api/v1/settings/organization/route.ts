import { getOrganizationSettingsOp, updateOrganizationSettingsOp } from '@/lib/api/settings';
import { tenantRoute } from '@/lib/http/route';
import { getOrganizationSettings, updateOrganizationSettings } from '@/lib/settings/organization';

export const GET = tenantRoute(getOrganizationSettingsOp, ({ tx }) => getOrganizationSettings(tx));
export const PATCH = tenantRoute(updateOrganizationSettingsOp, ({ tx, tenantId, body }) => updateOrganizationSettings(tx, tenantId, body));
