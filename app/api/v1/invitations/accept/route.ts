import { acceptInvitationOp } from '@/lib/api/identity';
import { userRoute } from '@/lib/http/route';
import { acceptInvitation } from '@/lib/tenancy/invitations';

export const POST = userRoute(acceptInvitationOp, ({ principal, body }) => acceptInvitation(principal, body.token));
