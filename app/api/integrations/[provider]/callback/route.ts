import { completeIntegrationConnectOp } from '@/lib/api/integrations';
import { tenantRouteWith } from '@/lib/http/route';
import { finishCallback, prepareCallback, publicOrigin } from '@/lib/integrations/connect-flow';
import { redirectResponse } from '@/lib/integrations/redirect';

export const GET = tenantRouteWith(
  completeIntegrationConnectOp,
  {
    prepare: ({ params, query, req, tenantId, principal, inTenant }) =>
      prepareCallback({
        slug: params.provider,
        query,
        cookieHeader: req.headers.get('cookie'),
        tenantId,
        userId: principal.kind === 'user' ? principal.userId : null,
        inTenant,
      }),
  },
  async ({ tx, tenantId, principal, prepared, req, requestId }) =>
    redirectResponse(await finishCallback(tx, { prepared, tenantId, principal, origin: publicOrigin(req.url), requestId })),
);
