import { connectIntegrationOp } from '@/lib/api/integrations';
import { tenantRoute } from '@/lib/http/route';
import { beginConnect, publicOrigin } from '@/lib/integrations/connect-flow';
import { redirectResponse } from '@/lib/integrations/redirect';

export const GET = tenantRoute(connectIntegrationOp, async ({ tx, tenantId, principal, params, req }) =>
  redirectResponse(
    await beginConnect(tx, {
      tenantId,
      userId: principal.kind === 'user' ? principal.userId : null,
      slug: params.provider,
      origin: publicOrigin(req.url),
    }),
  ),
);
