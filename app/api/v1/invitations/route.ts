import { createInvitationOp, listInvitationsOp } from '@/lib/api/invitations';
import { sendQueuedEmail } from '@/lib/email/request';
import { appBaseUrl } from '@/lib/http/request-meta';
import { tenantRoute } from '@/lib/http/route';
import { tenantRouteThen } from '@/lib/privacy/after-commit';
import { createInvitation, listInvitations } from '@/lib/tenancy/invitations';

export const GET = tenantRoute(listInvitationsOp, ({ tx, query }) => listInvitations(tx, query));
export const POST = tenantRouteThen(createInvitationOp, async ({ tx, access, body, req }, later) => {
  const { invitation, email } = await createInvitation(tx, access, body, appBaseUrl(req));
  later(() => sendQueuedEmail(email));
  return invitation;
});
