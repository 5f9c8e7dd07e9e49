import { mapScimGroupOp } from '@/lib/api/scim';
import { tenantRoute } from '@/lib/http/route';
import { mapScimGroup } from '@/lib/scim/settings';

export const PATCH = tenantRoute(mapScimGroupOp, ({ tx, access, params, body }) => mapScimGroup(tx, access, params.id, body));
