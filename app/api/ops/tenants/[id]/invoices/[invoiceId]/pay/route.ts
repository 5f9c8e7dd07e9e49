import { payInvoiceFromConsoleOp } from '@/lib/api/ops';
import { operatorRoute } from '@/lib/http/operator-route';
import { payInvoiceAsConsoleOperator } from '@/lib/ops/tenant-actions';

export const POST = operatorRoute(payInvoiceFromConsoleOp, ({ operator, params, facts }) => payInvoiceAsConsoleOperator(operator, params.id, params.invoiceId, facts));
