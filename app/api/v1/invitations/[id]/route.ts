import { revokeInvitationOp } from '@/lib/api/invitations';
import { tenantRoute } from '@/lib/http/route';
import { revokeInvitation } from '@/lib/tenancy/invitations';

export const DELETE = tenantRoute(revokeInvitationOp, ({ tx, params }) => revokeInvitation(tx, params.id));
