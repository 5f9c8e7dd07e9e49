import { statusOp } from '@/lib/api/operations';
import { getStatusSnapshot } from '@/lib/health';
import { publicRoute } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = publicRoute(statusOp, () => getStatusSnapshot());
