import { openPortalOp } from '@/lib/api/billing';
import { createPortal } from '@/lib/billing/stripe';
import { appBaseUrl } from '@/lib/http/request-meta';
import { tenantRouteWith } from '@/lib/http/route';

export const POST = tenantRouteWith(openPortalOp, { prepare: ({ inTenant, req }) => createPortal(inTenant, appBaseUrl(req)) }, async ({ prepared }) => prepared);
