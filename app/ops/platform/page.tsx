import type { Metadata } from 'next';
import { actorLabel, money, monthLong } from '@/components/ops/format';
import styles from '@/components/ops/ops.module.css';
import { InfraCostForm, MaintenanceCard } from '@/components/ops/platform-forms';
import { Time } from '@/components/time';
import { Badge, Card, EmptyState, PageHeader } from '@/components/ui';
import { listInfraCosts } from '@/lib/economics/infra-costs';
import { getMaintenanceState } from '@/lib/maintenance';
import { listOperatorActions } from '@/lib/ops/action-log';
import { listOperators } from '@/lib/ops/operators';
import { requireOperatorPage } from '@/lib/ops/page-gate';

export const metadata: Metadata = { title: 'Platform' };
export const dynamic = 'force-dynamic';

export default async function OpsPlatformPage() {
  await requireOperatorPage();
  const [maintenance, costs, actions, operators] = await Promise.all([getMaintenanceState(), listInfraCosts(12), listOperatorActions(50), listOperators()]);
  const thisMonth = new Date().toISOString().slice(0, 7);
  return (
    <>
      <PageHeader title="Platform" description="Switches and numbers that belong to no single organization. Every change here is logged below." />
      <div className={styles.section} style={{ marginTop: 0 }}>
        <MaintenanceCard enabled={maintenance.enabled} message={maintenance.message} source={maintenance.source} />
        <InfraCostForm defaultMonth={thisMonth} />
        <Card title="Entered costs" flush>
          {costs.length === 0 ? (
            <EmptyState icon="chart" title="No infrastructure cost entered yet">
              Without one, margins count AI costs only.
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table table-responsive" data-testid="ops-infra-costs">
                <thead>
                  <tr>
                    <th>Month</th>
                    <th className="align-right">Amount</th>
                    <th>Note</th>
                    <th>Entered</th>
                  </tr>
                </thead>
                <tbody>
                  {costs.map((c) => (
                    <tr key={c.month}>
                      <td data-label="Month">{monthLong(c.month)}</td>
                      <td data-label="Amount" className="align-right">{money(c.amountCents)}</td>
                      <td data-label="Note">{c.note || <span className="muted">—</span>}</td>
                      <td data-label="Entered">
                        <Time value={c.updatedAt} /> <span className="muted">by {c.updatedBy}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card title="Operators" description="Granted with npm run admin -- operators add --email …; two-factor authentication is required." flush>
          <div className="table-wrap">
            <table className="table table-responsive">
              <thead>
                <tr>
                  <th>Operator</th>
                  <th>Two-factor</th>
                  <th>Granted</th>
                </tr>
              </thead>
              <tbody>
                {operators.map((o) => (
                  <tr key={o.userId}>
                    <td data-label="Operator">
                      {o.name} <span className={styles.sub}>{o.email}</span>
                    </td>
                    <td data-label="Two-factor">{o.twoFactorEnabled ? <Badge tone="green">On</Badge> : <Badge tone="amber">Not enrolled</Badge>}</td>
                    <td data-label="Granted">
                      <Time value={o.grantedAt} /> <span className="muted">by {actorLabel(o.grantedBy)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
        <Card title="Operator activity" description="Platform-wide actions: incidents, maintenance, infrastructure costs and operator grants. Actions on an organization are in its own audit log." flush>
          {actions.length === 0 ? (
            <EmptyState icon="activity" title="Nothing yet" />
          ) : (
            <div className="table-wrap">
              <table className="table table-responsive" data-testid="ops-activity">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Who</th>
                    <th>What</th>
                  </tr>
                </thead>
                <tbody>
                  {actions.map((a) => (
                    <tr key={a.id}>
                      <td data-label="When" className="nowrap">
                        <Time value={a.at} />
                      </td>
                      <td data-label="Who">{actorLabel(a.actor)}</td>
                      <td data-label="What">{a.summary}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
    </>
  );
}
