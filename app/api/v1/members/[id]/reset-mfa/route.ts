import { resetMemberMfaOp } from '@/lib/api/members';
import { tenantRoute } from '@/lib/http/route';
import { resetMemberMfa } from '@/lib/tenancy/member-mfa';

export const POST = tenantRoute(resetMemberMfaOp, ({ tx, access, params }) => resetMemberMfa(tx, access, params.id));
