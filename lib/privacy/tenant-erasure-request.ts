import { parseJsonBody } from '@/lib/http/body';
import { jsonResponse } from '@/lib/http/respond';
import { assertTenantErasureToken, eraseTenant, issueTenantErasureToken, tenantErasureBodySchema } from './erase-tenant';

const CONFIRM_BODY_LIMIT = 1_024;

function hasNoBody(req: Request): boolean {
  return req.body === null || req.headers.get('content-length') === '0';
}

/**
 * The two steps of DELETE /api/v1/tenant. Step one (no body) hands out a signed, expiring token; step two checks
 * it and queues the erasure for after the request's own transaction commits (lib/privacy/after-commit.ts):
 * erasing inside it would leave the route wrapper nothing to write its audit entry into.
 */
export async function confirmTenantErasure(
  req: Request,
  tenantId: string,
  later: (fn: (requestId: string) => Promise<void>) => void,
): Promise<Response> {
  if (hasNoBody(req)) return jsonResponse(issueTenantErasureToken(tenantId), 202);
  const { confirm } = await parseJsonBody(req, tenantErasureBodySchema, CONFIRM_BODY_LIMIT);
  assertTenantErasureToken(tenantId, confirm);
  later((requestId) => eraseTenant(tenantId, requestId));
  return new Response(null, { status: 204 });
}
