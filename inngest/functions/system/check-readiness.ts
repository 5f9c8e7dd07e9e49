import { inngest } from '@/inngest/client';
import { checkReadiness } from '@/lib/health/readiness';

// Every 5 minutes, so dependency outages and pipeline failure spikes become incidents on /status even where nothing
// polls /api/health/ready (on Vercel, without an external monitor). No retries: the next tick is the retry, and a
// late re-check would only report a stale view. The run keeps a summary, not the report: probe details stay in
// the incidents and the metrics.
export const checkReadinessOnSchedule = inngest.createFunction(
  { id: 'check-readiness', triggers: [{ cron: 'TZ=UTC */5 * * * *' }], retries: 0, concurrency: [{ limit: 1 }] },
  async ({ step }) =>
    step.run('check', async () => {
      const report = await checkReadiness();
      const named = (status: 'down' | 'degraded') => report.checks.filter((c) => c.status === status).map((c) => c.name);
      return { status: report.status, down: named('down'), degraded: named('degraded') };
    }),
);
