import { revokeMemberSessionsOp } from '@/lib/api/members';
import { tenantRoute } from '@/lib/http/route';
import { revokeMemberSessions } from '@/lib/tenancy/members';

export const POST = tenantRoute(revokeMemberSessionsOp, ({ tx, access, params }) => revokeMemberSessions(tx, access, params.id));
