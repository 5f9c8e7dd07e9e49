import { startCheckoutOp } from '@/lib/api/billing';
import { createCheckout } from '@/lib/billing/stripe';
import { appBaseUrl } from '@/lib/http/request-meta';
import { tenantRouteWith } from '@/lib/http/route';

// Stripe is called in `prepare`, between short transactions, never inside the request's own.
export const POST = tenantRouteWith(startCheckoutOp, { prepare: ({ inTenant, req }) => createCheckout(inTenant, appBaseUrl(req)) }, async ({ prepared }) => prepared);
