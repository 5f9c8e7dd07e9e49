import { getMeOp } from '@/lib/api/identity';
import { principalRoute } from '@/lib/http/route';
import { describeMe } from '@/lib/tenancy/me';

export const GET = principalRoute(getMeOp, ({ principal }) => describeMe(principal));
