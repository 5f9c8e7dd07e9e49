import { getMaintenanceOp, setMaintenanceOp } from '@/lib/api/operations';
import { platformRoute } from '@/lib/http/platform-route';
import { getMaintenanceState, setMaintenance } from '@/lib/maintenance';

export const GET = platformRoute(getMaintenanceOp, () => getMaintenanceState());
export const POST = platformRoute(setMaintenanceOp, ({ body }) => setMaintenance(body));
