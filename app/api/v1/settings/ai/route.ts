import { getAiSettingsOp, putAiSettingsOp } from '@/lib/api/settings';
import { tenantRoute } from '@/lib/http/route';
import { getAiSettingsView, updateAiSettings } from '@/lib/settings/ai-settings';

export const GET = tenantRoute(getAiSettingsOp, ({ tx }) => getAiSettingsView(tx));
export const PUT = tenantRoute(putAiSettingsOp, ({ tx, tenantId, body }) => updateAiSettings(tx, tenantId, body));
