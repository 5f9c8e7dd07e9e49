import { resendInvitationOp } from '@/lib/api/invitations';
import { sendQueuedEmail } from '@/lib/email/request';
import { appBaseUrl } from '@/lib/http/request-meta';
import { tenantRouteThen } from '@/lib/privacy/after-commit';
import { resendInvitation } from '@/lib/tenancy/invitations';

export const POST = tenantRouteThen(resendInvitationOp, async ({ tx, access, params, req }, later) => {
  const { invitation, email } = await resendInvitation(tx, access, params.id, appBaseUrl(req));
  later(() => sendQueuedEmail(email));
  return invitation;
});
