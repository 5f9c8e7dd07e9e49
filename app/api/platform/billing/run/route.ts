import { runBillingClockOp } from '@/lib/api/billing';
import { runBillingClockNow } from '@/lib/billing/clock';
import { platformRoute } from '@/lib/http/platform-route';

export const POST = platformRoute(runBillingClockOp, ({ body }) => runBillingClockNow(body));
