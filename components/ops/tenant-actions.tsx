'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ConfirmButton } from '@/components/confirm-button';
import { Time } from '@/components/time';
import { useToast } from '@/components/toast';
import { Alert, Badge, Card, EmptyState } from '@/components/ui';
import type { BillingView } from '@/lib/billing/accounts';
import type { QuotaReport } from '@/lib/quotas/report';
import { api, errorMessage } from '@/lib/ui/api';
import { pluralize } from '@/lib/ui/format';
import { money, monthLong, PLAN_LABEL } from './format';
import styles from './ops.module.css';

const GIB = 1024 * 1024 * 1024;
type QuotaKind = 'documents' | 'storage' | 'members' | 'ai_spend';
// Each quota in the unit an operator thinks in, and back to what the API stores.
const QUOTA_FIELDS: { kind: QuotaKind; label: string; toUnit: (v: number) => number; fromUnit: (v: number) => number }[] = [
  { kind: 'documents', label: 'Documents a month', toUnit: (v) => v, fromUnit: (v) => v },
  { kind: 'storage', label: 'Storage (GB)', toUnit: (v) => Math.round((v / GIB) * 100) / 100, fromUnit: (v) => Math.round(v * GIB) },
  { kind: 'members', label: 'Members', toUnit: (v) => v, fromUnit: (v) => v },
  { kind: 'ai_spend', label: 'AI spend a month ($)', toUnit: (v) => v / 1_000_000, fromUnit: (v) => Math.round(v * 1_000_000) },
];

interface Props {
  tenant: { id: string; name: string; plan: string; status: string };
  billing: BillingView;
  quotas: QuotaReport;
}

export function TenantActions({ tenant, billing, quotas }: Props) {
  const router = useRouter();
  const toast = useToast();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [plan, setPlan] = useState(tenant.plan);
  const limitOf = (kind: QuotaKind) => quotas.quotas.find((q) => q.quota === kind)?.limit ?? null;
  const [limits, setLimits] = useState<Record<QuotaKind, string>>(() => {
    const out = { documents: '', storage: '', members: '', ai_spend: '' };
    for (const f of QUOTA_FIELDS) {
      const v = limitOf(f.kind);
      out[f.kind] = v === null ? '' : String(f.toUnit(v));
    }
    return out;
  });

  async function run(what: () => Promise<unknown>, done: string) {
    setBusy(true);
    setError(null);
    try {
      await what();
      toast(done);
      router.refresh();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const base = `/api/ops/tenants/${tenant.id}`;
  const patch = (body: unknown) => api(base, { method: 'PATCH', body });

  function saveQuotas() {
    const quotasBody: Partial<Record<QuotaKind, number | null>> = {};
    for (const f of QUOTA_FIELDS) {
      const text = limits[f.kind].trim();
      const n = Number(text);
      if (text !== '' && (!Number.isFinite(n) || n < 0)) {
        setError(`${f.label}: give a number, or leave it empty for no limit`);
        return;
      }
      quotasBody[f.kind] = text === '' ? null : f.fromUnit(n);
    }
    void run(() => patch({ quotas: quotasBody }), 'Quotas saved.');
  }

  return (
    <>
      {error && <Alert tone="error">{error}</Alert>}
      <Card title="Organization" description="Suspending blocks every member at once; reactivating lets them back in.">
        <div className={styles.formGrid}>
          <label className="field">
            <span className="field-label">Plan</span>
            <select className="input select" value={plan} onChange={(e) => setPlan(e.target.value)} data-testid="ops-plan">
              {Object.entries(PLAN_LABEL).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <div>
            <button type="button" className="btn btn-secondary" disabled={busy || plan === tenant.plan} onClick={() => void run(() => patch({ plan }), `Plan changed to ${PLAN_LABEL[plan] ?? plan}.`)}>
              Change plan
            </button>
          </div>
          <div>
            {tenant.status === 'active' ? (
              <ConfirmButton label="Suspend organization" confirmLabel={`Suspend ${tenant.name}`} disabled={busy} onConfirm={() => run(() => patch({ status: 'suspended' }), `${tenant.name} is suspended.`)} />
            ) : (
              <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void run(() => patch({ status: 'active' }), `${tenant.name} is active again.`)}>
                Reactivate
              </button>
            )}
          </div>
        </div>
      </Card>
      <Card title="Quota overrides" description="Filled in with the limits in force. Empty means no limit; saving makes these values this organization's own.">
        <div className={styles.formGrid}>
          {QUOTA_FIELDS.map((f) => (
            <label key={f.kind} className="field">
              <span className="field-label">{f.label}</span>
              <input className="input" inputMode="decimal" value={limits[f.kind]} placeholder="No limit" onChange={(e) => setLimits((l) => ({ ...l, [f.kind]: e.target.value }))} />
            </label>
          ))}
          <div>
            <button type="button" className="btn btn-secondary" disabled={busy} onClick={saveQuotas}>
              Save quotas
            </button>
          </div>
        </div>
      </Card>
      <Card
        title="Invoices"
        description={`Manual billing: ${pluralize(billing.seats, 'seat')} at ${money(billing.seatPriceCents)} is ${money(billing.monthlyCents)} a month.`}
        actions={
          <span className="row-actions">
            <button type="button" className="btn btn-sm btn-secondary" disabled={busy} onClick={() => void run(() => api(`${base}/invoices`, { method: 'POST', body: { period: 'current' } }), "This month's invoice is issued.")}>
              Issue this month&apos;s invoice
            </button>
            <button type="button" className="btn btn-sm btn-ghost" disabled={busy} onClick={() => void run(() => api(`${base}/invoices`, { method: 'POST', body: { period: 'next' } }), "Next month's invoice is issued.")}>
              Issue next month&apos;s
            </button>
          </span>
        }
        flush
      >
        {billing.invoices.length === 0 ? (
          <EmptyState icon="file" title="No invoices yet">
            Issuing the first invoice starts billing this organization.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table table-responsive">
              <thead>
                <tr>
                  <th>Month</th>
                  <th className="align-right">Seats</th>
                  <th className="align-right">Amount</th>
                  <th>Status</th>
                  <th>Due</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {billing.invoices.map((i) => (
                  <tr key={i.id}>
                    <td data-label="Month">{monthLong(i.periodStart)}</td>
                    <td data-label="Seats" className="align-right">{i.seats}</td>
                    <td data-label="Amount" className="align-right">{money(i.amountCents)}</td>
                    <td data-label="Status">
                      {i.status === 'paid' ? <Badge tone="green">Paid</Badge> : i.status === 'void' ? <Badge>Void</Badge> : i.overdue ? <Badge tone="red">Overdue</Badge> : <Badge tone="amber">Open</Badge>}
                    </td>
                    <td data-label="Due">{i.status === 'paid' ? <Time value={i.paidAt} mode="date" /> : <Time value={i.dueAt} mode="date" />}</td>
                    <td className="align-right">
                      {i.status === 'open' && (
                        <ConfirmButton
                          label="Mark paid"
                          confirmLabel={`Record ${money(i.amountCents)} paid`}
                          tone="neutral"
                          disabled={busy}
                          onConfirm={() => run(() => api(`${base}/invoices/${i.id}/pay`, { method: 'POST' }), 'Payment recorded.')}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
