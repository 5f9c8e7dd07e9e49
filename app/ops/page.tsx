import type { Metadata } from 'next';
import { DashboardCharts } from '@/components/ops/dashboard-charts';
import { money, monthLabel, monthLong, percent } from '@/components/ops/format';
import styles from '@/components/ops/ops.module.css';
import { Alert, Badge, Card, EmptyState, PageHeader } from '@/components/ui';
import { buildDashboard } from '@/lib/ops/dashboard';
import { requireOperatorPage } from '@/lib/ops/page-gate';
import { formatNumber, formatUptime } from '@/lib/ui/format';

export const metadata: Metadata = { title: 'Metrics' };
export const dynamic = 'force-dynamic';

const COMPONENTS: Record<string, string> = { database: 'Database', kv: 'Cache', pipelines: 'Pipelines' };

export default async function OpsDashboardPage() {
  await requireOperatorPage();
  const d = await buildDashboard();
  const current = d.months[d.months.length - 1];
  if (!current) {
    return (
      <>
        <PageHeader title="Metrics" />
        <EmptyState icon="chart" title="No data yet" />
      </>
    );
  }
  const review = current.margin !== null && current.margin < d.marginThreshold;
  const newestFirst = [...d.months].reverse();
  const apiPerUser = d.activeUsers.mau > 0 ? current.requests / d.activeUsers.mau : null;
  return (
    <>
      <PageHeader title="Metrics" description={`Revenue, usage, cost, quality and uptime across ${formatNumber(d.tenants)} organizations. ${monthLong(current.month)} is the month so far.`} />
      {review && (
        <Alert tone="warning" title={`Review: gross margin is ${percent(current.margin)} in ${monthLong(current.month)}`}>
          Under the {Math.round(d.marginThreshold * 100)} % target (MARGIN_ALERT_THRESHOLD). Revenue of {money(Math.ceil(current.cogsCents / (1 - d.marginThreshold)))} would reach it; costs are {money(current.cogsCents)}.
        </Alert>
      )}
      <div className="stat-grid" data-testid="ops-stats">
        <div className="stat">
          <div className="stat-label">MRR</div>
          <div className="stat-value">{money(current.mrrCents)}</div>
          <div className="stat-sub">
            {current.netGrowthCents >= 0 ? '+' : '−'}
            {money(Math.abs(current.netGrowthCents))} net · {money(current.newMrrCents)} new · {money(current.churnedMrrCents)} churned
          </div>
        </div>
        <div className="stat">
          <div className="stat-label">Active users</div>
          <div className="stat-value">{formatNumber(d.activeUsers.dau)} today</div>
          <div className="stat-sub">
            {formatNumber(d.activeUsers.mau)} in 30 days · {apiPerUser === null ? 'no API calls per user yet' : `${formatNumber(Math.round(apiPerUser))} API calls per user`}
          </div>
        </div>
        <div className="stat">
          <div className="stat-label">Gross margin {review && <Badge tone="red">Review</Badge>}</div>
          <div className={`stat-value ${review ? styles.bad : ''}`}>{current.margin === null ? 'No revenue' : percent(current.margin)}</div>
          <div className="stat-sub">
            Costs {money(current.cogsCents)} · {current.cogsPerSeatCents === null ? 'no seats' : `${money(current.cogsPerSeatCents)} per user`}
          </div>
        </div>
      </div>
      <DashboardCharts months={d.months} threshold={d.marginThreshold} />
      <div className={styles.section}>
        <Card title="Revenue and costs by month" flush>
          <div className="table-wrap">
            <table className="table table-responsive" data-testid="ops-months">
              <thead>
                <tr>
                  <th>Month</th>
                  <th className="align-right">MRR</th>
                  <th className="align-right">Revenue paid</th>
                  <th className="align-right">Infrastructure</th>
                  <th className="align-right">AI APIs</th>
                  <th className="align-right">Cost per user</th>
                  <th className="align-right">Gross margin</th>
                </tr>
              </thead>
              <tbody>
                {newestFirst.map((m) => {
                  const low = m.margin !== null && m.margin < d.marginThreshold;
                  return (
                    <tr key={m.month}>
                      <td data-label="Month">{monthLabel(m.month)}</td>
                      <td data-label="MRR" className="align-right">{money(m.mrrCents)}</td>
                      <td data-label="Revenue paid" className="align-right">{money(m.revenueCents)}</td>
                      <td data-label="Infrastructure" className="align-right">{money(m.infraCents)}</td>
                      <td data-label="AI APIs" className="align-right">{money(m.aiCostCents)}</td>
                      <td data-label="Cost per user" className="align-right">{m.cogsPerSeatCents === null ? '—' : money(m.cogsPerSeatCents)}</td>
                      <td data-label="Gross margin" className={`align-right nowrap ${low ? styles.bad : ''}`}>
                        {low && <Badge tone="red">Review</Badge>} {m.margin === null ? '—' : percent(m.margin)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </Card>
        <Card title="Quality and uptime by month" description="Uptime per component from the readiness history; documents processed and AI calls from the ledgers." flush>
          <div className="table-wrap">
            <table className="table table-responsive">
              <thead>
                <tr>
                  <th>Month</th>
                  <th className="align-right">Requests</th>
                  <th className="align-right">Documents</th>
                  <th className="align-right">AI errors</th>
                  <th className="align-right">AI P95</th>
                  {Object.keys(COMPONENTS).map((c) => (
                    <th key={c} className="align-right">
                      {COMPONENTS[c]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {newestFirst.map((m) => (
                  <tr key={m.month}>
                    <td data-label="Month">{monthLabel(m.month)}</td>
                    <td data-label="API requests" className="align-right">{formatNumber(m.requests)}</td>
                    <td data-label="Documents processed" className="align-right">{formatNumber(m.documentsProcessed)}</td>
                    <td data-label="AI errors" className="align-right">{m.aiCalls === 0 ? '—' : percent(m.aiErrorRate)}</td>
                    <td data-label="AI P95" className="align-right">{m.aiP95Ms === null ? '—' : `≤ ${formatNumber(m.aiP95Ms)} ms`}</td>
                    {Object.keys(COMPONENTS).map((c) => (
                      <td key={c} data-label={`${COMPONENTS[c]} uptime`} className="align-right">
                        {formatUptime(m.uptime[c] ?? null)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
        <Card title="Where the numbers come from">
          <p className="small muted">
            Revenue: paid invoices of each month (manual billing). AI cost: the usage ledger. Infrastructure: the monthly bill entered on the Platform page, allocated to organizations 50 % by
            their share of API requests and 50 % by their share of stored bytes. Active users: sessions seen in the last day and 30 days. Model accuracy is not recorded in the database: run{' '}
            <code>npm run eval</code> for the extraction and answer scores. HTTP latency per route is exported at <code>/api/metrics</code> (Prometheus); the latency shown here is the AI
            providers&apos; from the usage ledger. Uptime comes from the readiness history that also feeds <code>/status</code>.
          </p>
        </Card>
      </div>
    </>
  );
}
