import { issueInvoiceOp } from '@/lib/api/billing';
import { issueInvoice } from '@/lib/billing/accounts';
import { withTenant } from '@/lib/db/tenant';
import { platformRoute } from '@/lib/http/platform-route';

export const POST = platformRoute(issueInvoiceOp, ({ params, body }) => withTenant(params.id, (tx) => issueInvoice(tx, body, 'platform')));
