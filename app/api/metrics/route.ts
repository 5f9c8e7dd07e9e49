import { metricsOp } from '@/lib/api/operations';
import { publicRoute } from '@/lib/http/route';
import { renderMetrics } from '@/lib/metrics';
import { assertMetricsAccess } from '@/lib/metrics/access';

export const dynamic = 'force-dynamic';

export const GET = publicRoute(metricsOp, async ({ req }) => {
  assertMetricsAccess(req);
  const { body, contentType } = await renderMetrics();
  return new Response(body, { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
});
