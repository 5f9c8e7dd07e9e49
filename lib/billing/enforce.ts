import { AppError } from '@/lib/http/errors';
import type { Operation } from '@/lib/http/operation';
import type { Access } from '@/lib/tenancy/access';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A suspended organization keeps its data readable and exportable; every write and all AI work wait for payment.
 * An operation says `whenSuspended: 'refuse'` when it reads but spends AI (search, ask), and `'allow'` when it
 * writes but must keep working: GDPR export and erasure, and revoking an API key or a session (security never
 * waits for an invoice).
 */
export function assertBillingAllows(op: Operation, access: Access, method: string): void {
  if (access.billing !== 'suspended') return;
  const refused = op.whenSuspended ? op.whenSuspended === 'refuse' : !READS.has(method);
  if (!refused) return;
  throw new AppError(
    'payment_required',
    'This organization is suspended because an invoice is unpaid. Reading and exporting data still work; an owner can settle the invoice under Settings → Organization → Billing to resume everything at once.',
    { details: { billingStatus: 'suspended', fix: '/app/settings/organization#billing' } },
  );
}
