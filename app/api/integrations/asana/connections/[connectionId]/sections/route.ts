import { listAsanaSectionsOp } from '@/lib/api/asana';
import { tenantRouteWith } from '@/lib/http/route';
import { listAsanaChoices } from '@/lib/integrations/asana/setup';

export const GET = tenantRouteWith(
  listAsanaSectionsOp,
  { prepare: ({ tenantId, params, query }) => listAsanaChoices({ tenantId, connectionId: params.connectionId }, { kind: 'sections', parentGid: query.project }) },
  async ({ prepared }) => prepared,
);
