import { getAsanaSetupOp, putAsanaSetupOp } from '@/lib/api/asana';
import { tenantRoute, tenantRouteWith } from '@/lib/http/route';
import { getAsanaSetup, saveAsanaSetup } from '@/lib/integrations/asana/setup';

export const GET = tenantRoute(getAsanaSetupOp, ({ tx, tenantId, params }) => getAsanaSetup(tx, tenantId, params.connectionId));

// Asana is called before the route's transaction opens (prepare): nothing slow holds a database connection.
export const PUT = tenantRouteWith(
  putAsanaSetupOp,
  { prepare: ({ tenantId, params, body }) => saveAsanaSetup({ tenantId, connectionId: params.connectionId }, body) },
  async ({ prepared }) => prepared,
);
