import { updateIncidentFromConsoleOp } from '@/lib/api/ops';
import { operatorRoute } from '@/lib/http/operator-route';
import { rewordIncident } from '@/lib/ops/platform-actions';

export const PATCH = operatorRoute(updateIncidentFromConsoleOp, ({ operator, params, body }) => rewordIncident(operator, params.id, body));
