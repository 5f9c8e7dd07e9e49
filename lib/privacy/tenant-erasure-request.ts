import { jsonResponse } from '@/lib/http/respond';
import { assertTenantErasureToken, eraseTenant, issueTenantErasureToken } from './erase-tenant';

/**
 * The two steps of DELETE /api/v1/tenant. Step one (no body) hands out a signed, expiring token; step two checks
 * it and queues the erasure for after the request's own transaction commits (lib/privacy/after-commit.ts):
 * erasing inside it would leave the route wrapper nothing to write its audit entry into. The body was read by the
 * route wrapper before the transaction opened.
 */
export function confirmTenantErasure(
  body: { confirm: string } | undefined,
  tenantId: string,
  later: (fn: (requestId: string) => Promise<void>) => void,
): Response {
  if (!body) return jsonResponse(issueTenantErasureToken(tenantId), 202);
  assertTenantErasureToken(tenantId, body.confirm);
  later((requestId) => eraseTenant(tenantId, requestId));
  return new Response(null, { status: 204 });
}
