import { previewInvitationOp } from '@/lib/api/invitation-preview';
import { publicRoute } from '@/lib/http/route';
import { previewInvitation } from '@/lib/tenancy/invitations';

export const GET = publicRoute(previewInvitationOp, ({ query }) => previewInvitation(query.token));
