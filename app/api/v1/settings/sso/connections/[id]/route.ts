import { deleteSsoConnectionOp, getSsoConnectionOp, updateSsoConnectionOp } from '@/lib/api/sso';
import { appBaseUrl } from '@/lib/http/request-meta';
import { tenantRoute } from '@/lib/http/route';
import { deleteConnection, getConnection, updateConnection } from '@/lib/sso/connections';

export const GET = tenantRoute(getSsoConnectionOp, ({ tx, params, req }) => getConnection(tx, params.id, appBaseUrl(req)));
export const PATCH = tenantRoute(updateSsoConnectionOp, ({ tx, access, params, body, req }) => updateConnection(tx, access, params.id, body, appBaseUrl(req)));
export const DELETE = tenantRoute(deleteSsoConnectionOp, ({ tx, params }) => deleteConnection(tx, params.id));
