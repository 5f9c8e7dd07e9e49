import { updateTenantFromConsoleOp } from '@/lib/api/ops';
import { operatorRoute } from '@/lib/http/operator-route';
import { changeTenantAsOperator } from '@/lib/ops/tenant-actions';

export const PATCH = operatorRoute(updateTenantFromConsoleOp, ({ operator, params, body, facts }) => changeTenantAsOperator(operator, params.id, body, facts));
