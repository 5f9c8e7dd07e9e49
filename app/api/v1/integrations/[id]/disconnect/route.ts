import { actorOf } from '@/lib/audit/events';
import { disconnectIntegrationOp } from '@/lib/api/integrations';
import { tenantRouteWith } from '@/lib/http/route';
import { disconnectConnection, revokeConnectionAtProvider } from '@/lib/integrations/disconnect';

// The provider's revocation is a round trip, so it runs before the request's transaction opens.
export const POST = tenantRouteWith(
  disconnectIntegrationOp,
  { prepare: ({ inTenant, tenantId, params }) => revokeConnectionAtProvider(inTenant, tenantId, params.id) },
  ({ tx, params, body, prepared, principal, requestId }) =>
    disconnectConnection(tx, { connectionId: params.id, content: body.content, revoked: prepared.revoked, actor: actorOf(principal), requestId }),
);
