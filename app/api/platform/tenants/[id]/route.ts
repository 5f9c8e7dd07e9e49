import { updateTenantPlatformOp } from '@/lib/api/platform';
import { platformRoute } from '@/lib/http/platform-route';
import { updateTenantAsOperator } from '@/lib/settings/organization';

export const PATCH = platformRoute(updateTenantPlatformOp, ({ params, body }) => updateTenantAsOperator(params.id, body));
