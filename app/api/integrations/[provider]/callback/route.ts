import { completeIntegrationConnectOp } from '@/lib/api/integrations';
import { tenantRouteWith } from '@/lib/http/route';
import { finishCallback, prepareCallback, publicOrigin, type RedirectOutcome } from '@/lib/integrations/connect-flow';
import { redirectResponse } from '@/lib/integrations/redirect';
import { announceConnected } from '@/lib/integrations/sync';

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };

// The new connection is announced only after the request's transaction committed (a redirect, not an error
// response), so a connector's first sync never looks for a row that is not there yet.
export async function GET(req: Request, routeCtx?: NextRouteContext): Promise<Response> {
  let connected: RedirectOutcome['connected'];
  const route = tenantRouteWith(
    completeIntegrationConnectOp,
    {
      prepare: ({ params, query, tenantId, principal, inTenant }) =>
        prepareCallback({
          slug: params.provider,
          query,
          cookieHeader: req.headers.get('cookie'),
          tenantId,
          userId: principal.kind === 'user' ? principal.userId : null,
          inTenant,
        }),
    },
    async ({ tx, tenantId, principal, prepared, requestId }) => {
      const outcome = await finishCallback(tx, { prepared, tenantId, principal, origin: publicOrigin(req.url), requestId });
      connected = outcome.connected;
      return redirectResponse(outcome);
    },
  );
  const res = await route(req, routeCtx);
  if (res.status === 302 && connected) await announceConnected(connected);
  return res;
}
