import { createInvitationOp, listInvitationsOp } from '@/lib/api/invitations';
import { appBaseUrl } from '@/lib/http/request-meta';
import { tenantRoute } from '@/lib/http/route';
import { createInvitation, listInvitations } from '@/lib/tenancy/invitations';

export const GET = tenantRoute(listInvitationsOp, ({ tx, query }) => listInvitations(tx, query));
export const POST = tenantRoute(createInvitationOp, ({ tx, access, body, req }) => createInvitation(tx, access, body, appBaseUrl(req)));
