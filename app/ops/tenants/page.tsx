import type { Metadata } from 'next';
import Link from 'next/link';
import { money, monthLong, percent, PLAN_LABEL } from '@/components/ops/format';
import styles from '@/components/ops/ops.module.css';
import { Badge, Card, EmptyState, PageHeader, type BadgeTone } from '@/components/ui';
import { getEnv } from '@/lib/env';
import { requireOperatorPage } from '@/lib/ops/page-gate';
import { listConsoleTenants } from '@/lib/ops/tenant-list';
import { formatBytes, formatNumber } from '@/lib/ui/format';

export const metadata: Metadata = { title: 'Organizations' };
export const dynamic = 'force-dynamic';

const BILLING: Record<string, { label: string; tone: BadgeTone }> = {
  active: { label: 'Paid up', tone: 'green' },
  past_due: { label: 'Past due', tone: 'amber' },
  suspended: { label: 'Suspended (unpaid)', tone: 'red' },
};

export default async function OpsTenantsPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  await requireOperatorPage();
  const raw = (await searchParams).q;
  const q = (Array.isArray(raw) ? raw[0] : raw) ?? '';
  const { month, rows } = await listConsoleTenants(new Date(), q);
  const threshold = getEnv().MARGIN_ALERT_THRESHOLD;
  return (
    <>
      <PageHeader title="Organizations" description={`Every organization with its plan, billing and ${monthLong(month)} figures so far: revenue from paid invoices, AI cost from the usage ledger, infrastructure allocated by requests and storage.`} />
      <form className={styles.toolbar} action="/ops/tenants" method="get" role="search">
        <input className="input input-sm" type="search" name="q" defaultValue={q} placeholder="Search by name or address" aria-label="Search organizations" />
        <button type="submit" className="btn btn-sm btn-secondary">
          Search
        </button>
        {q && (
          <Link href="/ops/tenants" className="btn btn-sm btn-ghost">
            Clear
          </Link>
        )}
      </form>
      <Card flush>
        {rows.length === 0 ? (
          <EmptyState icon="building" title={q ? 'No organization matches' : 'No organizations yet'}>
            {q ? 'Try part of the name, or its web address.' : 'Provision one with npm run admin -- tenants create.'}
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table table-responsive" data-testid="ops-tenants">
              <thead>
                <tr>
                  <th>Organization</th>
                  <th>Plan</th>
                  <th>Status</th>
                  <th>Billing</th>
                  <th className="align-right">Seats</th>
                  <th className="align-right">Usage</th>
                  <th className="align-right">AI cost</th>
                  <th className="align-right">Revenue</th>
                  <th className="align-right">Margin</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const billing = r.billingStatus ? BILLING[r.billingStatus] : undefined;
                  const low = r.margin !== null && r.margin < threshold;
                  return (
                    <tr key={r.id}>
                      <td data-label="Organization" className={styles.nameCell}>
                        <Link href={`/ops/tenants/${r.id}`}>{r.name}</Link>
                        <span className={styles.sub}>{r.slug}</span>
                      </td>
                      <td data-label="Plan">{PLAN_LABEL[r.plan] ?? r.plan}</td>
                      <td data-label="Status">{r.status === 'active' ? <Badge tone="green">Active</Badge> : <Badge tone="red">Suspended</Badge>}</td>
                      <td data-label="Billing">{billing ? <Badge tone={billing.tone}>{billing.label}</Badge> : <span className="muted">Not billed</span>}</td>
                      <td data-label="Seats" className="align-right">{formatNumber(r.seats)}</td>
                      <td data-label="Usage" className="align-right nowrap">
                        {formatNumber(r.requests)} requests
                        <span className={styles.sub}>
                          {formatBytes(r.storageBytes)} · {formatNumber(r.documentsProcessed)} docs
                        </span>
                      </td>
                      <td data-label="AI cost" className="align-right">{money(r.aiCostCents)}</td>
                      <td data-label="Revenue" className="align-right">{money(r.revenueCents)}</td>
                      <td data-label="Margin" className={`align-right ${low ? styles.bad : ''}`}>
                        {r.margin === null ? <span className="muted" title={`Costs ${money(r.cogsCents)}, no paid invoice this month`}>No revenue</span> : percent(r.margin)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
