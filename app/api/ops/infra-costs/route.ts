import { setInfraCostFromConsoleOp } from '@/lib/api/ops';
import { operatorRoute } from '@/lib/http/operator-route';
import { enterInfraCost } from '@/lib/ops/platform-actions';

export const PUT = operatorRoute(setInfraCostFromConsoleOp, ({ operator, body }) => enterInfraCost(operator, body));
