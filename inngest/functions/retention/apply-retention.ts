import { inngest } from '@/inngest/client';
import { applyTenantRetention, tenantsWithRetention } from '@/lib/retention/retention';

// Daily, 03:30 UTC. One step per tenant, so a retry resumes after the tenants already done; every step takes the
// same `now` (the first step's, memoized) so a retried run deletes by the same cutoff.
export const applyRetention = inngest.createFunction(
  { id: 'apply-retention', triggers: [{ cron: 'TZ=UTC 30 3 * * *' }], retries: 3, concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const plan = await step.run('list-tenants', async () => ({ now: new Date().toISOString(), tenants: await tenantsWithRetention() }));
    const now = new Date(plan.now);
    let deleted = 0;
    for (const t of plan.tenants) {
      deleted += await step.run(`purge-${t.tenantId}`, () => applyTenantRetention(t.tenantId, t.retentionDays, now));
    }
    return { tenants: plan.tenants.length, deleted };
  },
);
