import { readinessOp } from '@/lib/api/operations';
import { checkReadiness } from '@/lib/health';
import { publicRoute } from '@/lib/http/route';
import { jsonResponse } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const GET = publicRoute(readinessOp, async () => {
  const report = await checkReadiness();
  // checks[].starting is internal bookkeeping for incident tracking.
  const checks = report.checks.map(({ starting: _starting, ...c }) => c);
  return jsonResponse({ ...report, checks }, report.status === 'not_ready' ? 503 : 200);
});
