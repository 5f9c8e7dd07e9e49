import { payInvoiceOp } from '@/lib/api/billing';
import { payInvoice } from '@/lib/billing/accounts';
import { withTenant } from '@/lib/db/tenant';
import { platformRoute } from '@/lib/http/platform-route';

export const POST = platformRoute(payInvoiceOp, ({ params }) => withTenant(params.id, (tx) => payInvoice(tx, params.invoiceId, 'platform')));
