import { unlinkSlackMemberOp } from '@/lib/api/slack';
import { tenantRoute } from '@/lib/http/route';
import { removeSlackLink } from '@/lib/integrations/slack/admin';

export const DELETE = tenantRoute(unlinkSlackMemberOp, ({ tx, params }) => removeSlackLink(tx, params.id));
