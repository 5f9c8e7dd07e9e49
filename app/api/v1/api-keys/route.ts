import { createApiKeyOp, listApiKeysOp } from '@/lib/api/api-keys';
import { tenantRoute } from '@/lib/http/route';
import { createApiKey, listApiKeys } from '@/lib/tenancy/api-keys';

export const GET = tenantRoute(listApiKeysOp, ({ tx, query }) => listApiKeys(tx, query));
export const POST = tenantRoute(createApiKeyOp, ({ tx, access, body }) => createApiKey(tx, access, body));
