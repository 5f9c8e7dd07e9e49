import { listGoogleDriveFoldersOp, pickGoogleDriveFoldersOp } from '@/lib/api/google-drive';
import { tenantRouteWith } from '@/lib/http/route';
import { getDriveSyncView, listDriveFolders, pickDriveFolders } from '@/lib/integrations/google-drive/settings';

// Both talk to Google (or start a sync that reads what they saved), so that work runs before the request's
// transaction, which then only reads the result.
export const GET = tenantRouteWith(
  listGoogleDriveFoldersOp,
  { prepare: ({ tenantId, params, query }) => listDriveFolders({ tenantId, connectionId: params.connectionId }, query.cursor) },
  async ({ prepared }) => prepared,
);

export const PUT = tenantRouteWith(
  pickGoogleDriveFoldersOp,
  { prepare: ({ tenantId, params, body }) => pickDriveFolders({ tenantId, connectionId: params.connectionId }, body.folders) },
  ({ tx, params }) => getDriveSyncView(tx, params.connectionId),
);
