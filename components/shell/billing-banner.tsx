import Link from 'next/link';
import { Alert } from '@/components/ui';
import { formatDate } from '@/lib/ui/format';
import type { Me } from '@/lib/ui/types';

// Shown to every member on every page while an invoice is overdue; only people who can manage settings get the
// link (the others are told who can fix it).
export function BillingBanner({ me }: { me: Me }) {
  const billing = me.billing;
  if (!billing || billing.status === 'active') return null;
  const canFix = me.permissions.includes('settings:manage');
  const fix = canFix ? <Link href="/app/settings/organization#billing">Review billing</Link> : 'An owner of the organization can settle it.';
  if (billing.status === 'past_due') {
    return (
      <div className="billing-banner">
        <Alert tone="warning" title="Payment overdue">
          An invoice is unpaid. Unless it is paid{billing.suspendOn ? ` by ${formatDate(billing.suspendOn)}` : ''}, this organization will become read-only. {fix}
        </Alert>
      </div>
    );
  }
  return (
    <div className="billing-banner">
      <Alert tone="error" title="Organization suspended">
        An invoice is unpaid, so uploads, edits and AI answers are paused. Everything stays readable and exportable, and nothing has been deleted. {fix}
      </Alert>
    </div>
  );
}
