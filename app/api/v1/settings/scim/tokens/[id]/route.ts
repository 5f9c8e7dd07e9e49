import { revokeScimTokenOp } from '@/lib/api/scim';
import { tenantRoute } from '@/lib/http/route';
import { revokeScimToken } from '@/lib/scim/tokens';

export const DELETE = tenantRoute(revokeScimTokenOp, ({ tx, params }) => revokeScimToken(tx, params.id));
