import { postIncidentFromConsoleOp } from '@/lib/api/ops';
import { operatorRoute } from '@/lib/http/operator-route';
import { postIncident } from '@/lib/ops/platform-actions';

export const POST = operatorRoute(postIncidentFromConsoleOp, ({ operator, body }) => postIncident(operator, body));
