import { inngest } from '@/inngest/client';
import { tenantsToBill } from '@/lib/billing/accounts';
import { runBillingClock } from '@/lib/billing/clock';

// Hourly: monthly invoices, due dates, dunning reminders (day 0, 3, 6) and suspension on day 7, per billed
// organization. One step per organization, so a retry resumes after those already done; every step uses the
// first step's `now`, so a retried run decides exactly as the first attempt did.
export const advanceBillingOnSchedule = inngest.createFunction(
  { id: 'advance-billing', triggers: [{ cron: 'TZ=UTC 5 * * * *' }], retries: 3, concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const plan = await step.run('list-tenants', async () => ({ now: new Date().toISOString(), tenants: await tenantsToBill() }));
    const now = new Date(plan.now);
    const statuses: Record<string, number> = {};
    for (const tenantId of plan.tenants) {
      const status = await step.run(`bill-${tenantId}`, () => runBillingClock(tenantId, now));
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    return { tenants: plan.tenants.length, statuses };
  },
);
