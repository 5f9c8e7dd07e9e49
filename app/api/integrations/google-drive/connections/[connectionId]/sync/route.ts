import { syncGoogleDriveNowOp } from '@/lib/api/google-drive';
import { tenantRouteWith } from '@/lib/http/route';
import { getDriveSyncView, syncDriveNow } from '@/lib/integrations/google-drive/settings';

export const POST = tenantRouteWith(
  syncGoogleDriveNowOp,
  { prepare: ({ tenantId, params }) => syncDriveNow({ tenantId, connectionId: params.connectionId }) },
  ({ tx, params }) => getDriveSyncView(tx, params.connectionId),
);
