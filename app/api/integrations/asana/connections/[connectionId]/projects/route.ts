import { listAsanaProjectsOp } from '@/lib/api/asana';
import { tenantRouteWith } from '@/lib/http/route';
import { listAsanaChoices } from '@/lib/integrations/asana/setup';

export const GET = tenantRouteWith(
  listAsanaProjectsOp,
  { prepare: ({ tenantId, params, query }) => listAsanaChoices({ tenantId, connectionId: params.connectionId }, { kind: 'projects', parentGid: query.workspace }) },
  async ({ prepared }) => prepared,
);
