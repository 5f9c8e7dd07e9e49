import { createScimTokenOp, listScimTokensOp } from '@/lib/api/scim';
import { tenantRoute } from '@/lib/http/route';
import { createScimToken, listScimTokens } from '@/lib/scim/tokens';

export const GET = tenantRoute(listScimTokensOp, ({ tx }) => listScimTokens(tx));
export const POST = tenantRoute(createScimTokenOp, ({ tx, access, body }) =>
  createScimToken(tx, { tenantId: access.tenantId, name: body.name, createdBy: access.actor.userId }),
);
