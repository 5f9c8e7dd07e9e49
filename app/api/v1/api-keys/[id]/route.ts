import { revokeApiKeyOp } from '@/lib/api/api-keys';
import { tenantRoute } from '@/lib/http/route';
import { revokeApiKey } from '@/lib/tenancy/api-keys';

export const DELETE = tenantRoute(revokeApiKeyOp, ({ tx, params }) => revokeApiKey(tx, params.id));
