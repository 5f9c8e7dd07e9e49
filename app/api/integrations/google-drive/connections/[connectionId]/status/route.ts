import { getGoogleDriveSyncOp } from '@/lib/api/google-drive';
import { tenantRoute } from '@/lib/http/route';
import { getDriveSyncView } from '@/lib/integrations/google-drive/settings';

export const GET = tenantRoute(getGoogleDriveSyncOp, ({ tx, params }) => getDriveSyncView(tx, params.connectionId));
