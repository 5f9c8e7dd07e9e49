import { listAsanaWorkspacesOp } from '@/lib/api/asana';
import { tenantRouteWith } from '@/lib/http/route';
import { listAsanaChoices } from '@/lib/integrations/asana/setup';

export const GET = tenantRouteWith(
  listAsanaWorkspacesOp,
  { prepare: ({ tenantId, params }) => listAsanaChoices({ tenantId, connectionId: params.connectionId }, { kind: 'workspaces' }) },
  async ({ prepared }) => prepared,
);
