'use client';

import { useState } from 'react';
import { Time } from '@/components/time';
import { useToast } from '@/components/toast';
import { Alert, Badge, Card, Spinner, type BadgeTone } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import { formatDate, pluralize } from '@/lib/ui/format';
import type { Billing, Invoice } from '@/lib/ui/types';
import { useResource } from '@/lib/ui/use-resource';

const money = (cents: number, currency = 'usd') => new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);

const PLAN_NAMES: Record<string, string> = { standard: 'Standard', professional: 'Professional', enterprise: 'Enterprise' };

function month(periodStart: string): string {
  return new Date(`${periodStart}T00:00:00Z`).toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function invoiceBadge(invoice: Invoice): { label: string; tone: BadgeTone } {
  if (invoice.status === 'paid') return { label: 'Paid', tone: 'green' };
  if (invoice.status === 'void') return { label: 'Void', tone: 'gray' };
  return invoice.overdue ? { label: 'Overdue', tone: 'red' } : { label: 'Open', tone: 'amber' };
}

function StatusLine({ billing }: { billing: Billing }) {
  if (billing.status === 'suspended') {
    return (
      <Alert tone="error" title="Suspended for an unpaid invoice">
        Members can sign in, read and export; uploads, edits and AI answers resume as soon as the invoice is paid. Nothing has been deleted.
      </Alert>
    );
  }
  if (billing.status === 'past_due') {
    return (
      <Alert tone="warning" title="Payment overdue">
        {billing.suspendOn ? `Unless the overdue invoice is paid by ${formatDate(billing.suspendOn)}, the organization becomes read-only.` : 'An invoice is overdue.'}
      </Alert>
    );
  }
  return null;
}

// Stripe's hosted pages: the server creates the session, the browser goes there and comes back to this card.
function CardPaymentAction({ billing }: { billing: Billing }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  if (!billing.cardPayments || (billing.provider === 'manual' && billing.enabled)) return null;
  const portal = billing.subscribed;
  async function go() {
    setBusy(true);
    try {
      const { url } = await api<{ url: string }>(portal ? '/api/v1/billing/portal' : '/api/v1/billing/checkout', { method: 'POST', body: {} });
      window.location.assign(url);
    } catch (err) {
      toast(errorMessage(err), 'error');
      setBusy(false);
    }
  }
  return (
    <button type="button" className={portal ? 'btn btn-secondary' : 'btn btn-primary'} onClick={() => void go()} disabled={busy}>
      {busy ? 'Opening…' : portal ? 'Manage cards and invoices' : 'Subscribe by card'}
    </button>
  );
}

// Plan, seats and invoices. By card (Stripe Checkout and the Customer Portal) when the server has Stripe, else by
// invoice (an operator records each payment). A payment lifts a suspension at once.
export function BillingCard() {
  const billing = useResource<Billing>('/api/v1/billing');
  const data = billing.data;
  return (
    <section id="billing">
      <Card
        title="Plan and billing"
        description="Prepaid monthly, per active member. A missed payment leaves 7 days of grace before the organization becomes read-only."
        actions={data ? <CardPaymentAction billing={data} /> : undefined}
      >
        {billing.error && <Alert tone="error">{billing.error}</Alert>}
        {!data ? (
          !billing.error && <Spinner label="Loading billing" />
        ) : (
          <div className="stack">
            <StatusLine billing={data} />
            <dl className="billing-summary">
              <div>
                <dt>Plan</dt>
                <dd>{PLAN_NAMES[data.plan] ?? data.plan}</dd>
              </div>
              <div>
                <dt>Seats</dt>
                <dd>{pluralize(data.seats, 'active member')}</dd>
              </div>
              <div>
                <dt>Price</dt>
                <dd>{money(data.seatPriceCents)} per seat per month</dd>
              </div>
              <div>
                <dt>Monthly total</dt>
                <dd>{money(data.monthlyCents)}</dd>
              </div>
            </dl>
            {!data.enabled ? (
              <p className="muted">
                {data.cardPayments ? 'Subscribe by card to start your plan.' : 'This organization is not billed yet. Invoices appear here once your account manager starts billing.'}
              </p>
            ) : data.invoices.length === 0 ? (
              <p className="muted">No invoices yet.</p>
            ) : (
              <div className="table-wrap">
                <table className="table table-responsive">
                  <thead>
                    <tr>
                      <th>Month</th>
                      <th>Seats</th>
                      <th>Amount</th>
                      <th>Due</th>
                      <th>Status</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.invoices.map((inv) => {
                      const badge = invoiceBadge(inv);
                      return (
                        <tr key={inv.id} data-testid="invoice-row">
                          <td data-label="Month">{month(inv.periodStart)}</td>
                          <td data-label="Seats">{inv.seats}</td>
                          <td data-label="Amount">{money(inv.amountCents, inv.currency)}</td>
                          <td data-label="Due" className="muted nowrap">
                            <Time value={inv.dueAt} mode="date" />
                          </td>
                          <td data-label="Status">
                            <Badge tone={badge.tone}>{inv.status === 'paid' && inv.paidAt ? `Paid ${formatDate(inv.paidAt)}` : badge.label}</Badge>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        )}
      </Card>
    </section>
  );
}
