import { getScimSettingsOp, updateScimSettingsOp } from '@/lib/api/scim';
import { appBaseUrl } from '@/lib/http/request-meta';
import { tenantRoute } from '@/lib/http/route';
import { getScimSettings, updateScimSettings } from '@/lib/scim/settings';

export const GET = tenantRoute(getScimSettingsOp, ({ tx, req }) => getScimSettings(tx, appBaseUrl(req)));
export const PATCH = tenantRoute(updateScimSettingsOp, ({ tx, access, body, req }) => updateScimSettings(tx, access, body, appBaseUrl(req)));
