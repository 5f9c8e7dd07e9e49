import { healthOp } from '@/lib/api/platform';
import { publicRoute } from '@/lib/http/route';

export const GET = publicRoute(healthOp, async () => ({ status: 'ok' as const, time: new Date().toISOString() }));
