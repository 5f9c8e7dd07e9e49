import { listMembersOp } from '@/lib/api/members';
import { tenantRoute } from '@/lib/http/route';
import { listMembers } from '@/lib/tenancy/members';

export const GET = tenantRoute(listMembersOp, ({ tx, query }) => listMembers(tx, query));
