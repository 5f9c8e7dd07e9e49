import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { money, monthLong, percent, PLAN_LABEL } from '@/components/ops/format';
import styles from '@/components/ops/ops.module.css';
import { TenantActions } from '@/components/ops/tenant-actions';
import { Time } from '@/components/time';
import { Badge, Card, PageHeader } from '@/components/ui';
import { isUuid } from '@/lib/db/tenant';
import { getEnv } from '@/lib/env';
import { requireOperatorPage } from '@/lib/ops/page-gate';
import { getConsoleTenant } from '@/lib/ops/tenant-detail';
import { formatBytes, formatNumber, pluralize } from '@/lib/ui/format';

export const metadata: Metadata = { title: 'Organization' };

const QUOTA_NAMES: Record<string, string> = { documents: 'Documents uploaded this month', storage: 'Storage quota', members: 'Members and pending invitations', ai_spend: 'AI spend this month' };
export const dynamic = 'force-dynamic';

export default async function OpsTenantPage({ params }: { params: Promise<{ id: string }> }) {
  await requireOperatorPage();
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const detail = await getConsoleTenant(id);
  if (!detail) notFound();
  const { tenant, billing, economics: e, month } = detail;
  const threshold = getEnv().MARGIN_ALERT_THRESHOLD;
  const low = e?.margin !== null && e?.margin !== undefined && e.margin < threshold;
  return (
    <>
      <PageHeader
        title={tenant.name}
        description={
          <>
            <Link href="/ops/tenants">Organizations</Link> · {PLAN_LABEL[tenant.plan] ?? tenant.plan} plan · created <Time value={tenant.createdAt} mode="date" />
          </>
        }
        actions={tenant.status === 'active' ? <Badge tone="green">Active</Badge> : <Badge tone="red">Suspended</Badge>}
      />
      <div className="stat-grid">
        <div className="stat">
          <div className="stat-label">Revenue, {monthLong(month)}</div>
          <div className="stat-value">{money(e?.revenueCents ?? 0)}</div>
          <div className="stat-sub">
            {pluralize(billing.seats, 'seat')} × {money(billing.seatPriceCents)}
          </div>
        </div>
        <div className="stat">
          <div className="stat-label">Costs</div>
          <div className="stat-value">{money(e?.cogsCents ?? 0)}</div>
          <div className="stat-sub">
            AI {money(e?.aiCostCents ?? 0)} · infrastructure {money(e?.infraCents ?? 0)}
          </div>
        </div>
        <div className="stat">
          <div className="stat-label">Gross margin</div>
          <div className={`stat-value ${low ? styles.bad : ''}`}>{e?.margin === null || !e ? 'No revenue' : percent(e.margin)}</div>
          <div className="stat-sub">
            {!e || e.cogsCents === 0 ? 'No costs this month' : `Break-even at ${pluralize(e.breakEvenSeats, 'seat')}`} · {e?.cogsPerSeatCents === null || !e ? 'no seats' : `${money(e.cogsPerSeatCents)} costs per seat`}
          </div>
        </div>
      </div>
      <div className={styles.section}>
        <Card title="Usage this month">
          <dl className={styles.kv}>
            <dt>Requests</dt>
            <dd>{formatNumber(e?.requests ?? 0)}</dd>
            <dt>Stored originals</dt>
            <dd>{formatBytes(e?.storageBytes ?? 0)}</dd>
            {detail.quotas.quotas.map((q) => (
              <div key={q.quota} style={{ display: 'contents' }}>
                <dt>{QUOTA_NAMES[q.quota]}</dt>
                <dd>
                  {q.quota === 'storage' ? formatBytes(q.used) : q.quota === 'ai_spend' ? money(Math.round(q.used / 10_000)) : formatNumber(q.used)} of{' '}
                  {q.limit === null ? 'unlimited' : q.quota === 'storage' ? formatBytes(q.limit) : q.quota === 'ai_spend' ? money(Math.round(q.limit / 10_000)) : formatNumber(q.limit)}
                </dd>
              </div>
            ))}
          </dl>
        </Card>
        <TenantActions tenant={tenant} billing={billing} quotas={detail.quotas} />
      </div>
    </>
  );
}
