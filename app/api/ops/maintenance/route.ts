import { setMaintenanceFromConsoleOp } from '@/lib/api/ops';
import { operatorRoute } from '@/lib/http/operator-route';
import { switchMaintenance } from '@/lib/ops/platform-actions';

export const PUT = operatorRoute(setMaintenanceFromConsoleOp, ({ operator, body }) => switchMaintenance(operator, body));
