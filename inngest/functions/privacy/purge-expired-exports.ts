import { inngest } from '@/inngest/client';
import { purgeExpiredExports, tenantsWithExpiredExports } from '@/lib/privacy/export-purge';

// Hourly, at minute 15 UTC, so an export archive does not outlive its download link by more than an hour. One step
// per tenant, so a retry resumes after the tenants already done; every step takes the same `now` (the first step's,
// memoized) so a retried run purges by the same cutoff.
export const purgeExpiredExportsOnSchedule = inngest.createFunction(
  { id: 'purge-expired-exports', triggers: [{ cron: 'TZ=UTC 15 * * * *' }], retries: 3, concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const plan = await step.run('list-tenants', async () => {
      const now = new Date();
      return { now: now.toISOString(), tenants: await tenantsWithExpiredExports(now) };
    });
    const now = new Date(plan.now);
    let purged = 0;
    for (const tenantId of plan.tenants) {
      purged += await step.run(`purge-${tenantId}`, () => purgeExpiredExports(tenantId, now));
    }
    return { tenants: plan.tenants.length, purged };
  },
);
