import { acceptInvitationOp } from '@/lib/api/identity';
import { userAgent } from '@/lib/http/request-meta';
import { userRoute } from '@/lib/http/route';
import { acceptInvitation } from '@/lib/tenancy/invitations';

export const POST = userRoute(acceptInvitationOp, ({ principal, body, requestId, ip, req }) =>
  acceptInvitation(principal, body.token, { requestId, ip, userAgent: userAgent(req) }),
);
