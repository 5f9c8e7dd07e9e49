import { issueInvoiceFromConsoleOp } from '@/lib/api/ops';
import { operatorRoute } from '@/lib/http/operator-route';
import { issueInvoiceAsConsoleOperator } from '@/lib/ops/tenant-actions';

export const POST = operatorRoute(issueInvoiceFromConsoleOp, ({ operator, params, body, facts }) => issueInvoiceAsConsoleOperator(operator, params.id, body, facts));
