import { withTenant } from '@/lib/db/tenant';
import { sendQueuedEmail } from '@/lib/email/request';
import { advanceBilling, ensureMonthInvoice } from './accounts';
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
