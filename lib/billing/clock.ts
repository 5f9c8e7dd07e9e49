import { withTenant } from '@/lib/db/tenant';
import { sendQueuedEmail } from '@/lib/email/request';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import { advanceBilling, ensureMonthInvoice, tenantsToBill } from './accounts';
import { syncStripeSeats } from './stripe';

/**
 * One organization's turn of the billing clock: this month's invoice if it is missing (manual billing; Stripe
 * issues its own), then due dates, reminders and suspension, then the seat count of a Stripe subscription. Emails
 * go out after the transaction commits, so a rolled-back turn sends nothing.
 */
export async function runBillingClock(tenantId: string, now: Date): Promise<string> {
  const { status, emails } = await withTenant(tenantId, async (tx) => {
    await ensureMonthInvoice(tx, now);
    return advanceBilling(tx, now);
  });
  for (const email of emails) await sendQueuedEmail(email);
  await syncStripeSeats((fn) => withTenant(tenantId, fn));
  return status;
}

/** The operator's "run it now": one organization or every billed one, at the real time or (in drills) a simulated one. */
export async function runBillingClockNow(input: { tenantId?: string; at?: string }): Promise<{ statuses: Record<string, string> }> {
  if (input.at && !getEnv().BILLING_CLOCK_SIMULATION) {
    throw new AppError('validation_failed', 'A simulated time needs BILLING_CLOCK_SIMULATION=1 (staging drills and tests only)');
  }
  const now = input.at ? new Date(input.at) : new Date();
  const tenants = input.tenantId ? [input.tenantId] : await tenantsToBill();
  const statuses: Record<string, string> = {};
  for (const id of tenants) statuses[id] = await runBillingClock(id, now);
  return { statuses };
}
