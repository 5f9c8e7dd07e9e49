import { linkSlackAccountOp } from '@/lib/api/slack';
import { tenantRoute } from '@/lib/http/route';
import { linkSlackAccount } from '@/lib/integrations/slack/admin';

export const POST = tenantRoute(linkSlackAccountOp, ({ tx, tenantId, access, body }) =>
  linkSlackAccount(tx, { tenantId, userId: access.actor.type === 'user' ? access.actor.userId : null, token: body.token }),
);
