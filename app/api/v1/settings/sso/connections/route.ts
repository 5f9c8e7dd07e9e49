import { createSsoConnectionOp, listSsoConnectionsOp } from '@/lib/api/sso';
import { appBaseUrl } from '@/lib/http/request-meta';
import { tenantRoute } from '@/lib/http/route';
import { createConnection, listConnections } from '@/lib/sso/connections';

export const GET = tenantRoute(listSsoConnectionsOp, ({ tx, req }) => listConnections(tx, appBaseUrl(req)));
export const POST = tenantRoute(createSsoConnectionOp, ({ tx, access, body, req }) => createConnection(tx, access, body, appBaseUrl(req)));
