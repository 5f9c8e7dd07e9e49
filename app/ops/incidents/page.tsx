import type { Metadata } from 'next';
import { NewIncidentForm, OpenIncidentActions } from '@/components/ops/incident-forms';
import styles from '@/components/ops/ops.module.css';
import { Time } from '@/components/time';
import { Badge, Card, EmptyState, PageHeader } from '@/components/ui';
import { listRecentIncidents } from '@/lib/health/incidents';
import { requireOperatorPage } from '@/lib/ops/page-gate';

export const metadata: Metadata = { title: 'Incidents' };
export const dynamic = 'force-dynamic';

const KIND: Record<string, string> = { dependency_down: 'Detected: dependency down', pipeline_failures: 'Detected: pipeline failures', manual: 'Posted by an operator' };

export default async function OpsIncidentsPage() {
  await requireOperatorPage();
  const incidents = await listRecentIncidents({ days: 90, limit: 50 });
  return (
    <>
      <PageHeader title="Incidents" description="What the public status page shows. Readiness opens and resolves dependency incidents by itself; post the others here." />
      <NewIncidentForm />
      <div className={styles.section}>
        <Card title="Last 90 days" flush>
          {incidents.length === 0 ? (
            <EmptyState icon="check" title="No incidents in 90 days" />
          ) : (
            <div className="table-wrap">
              <table className="table table-responsive" data-testid="ops-incidents">
                <thead>
                  <tr>
                    <th>Incident</th>
                    <th>Status</th>
                    <th>Started</th>
                    <th>Resolved</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {incidents.map((i) => (
                    <tr key={i.id}>
                      <td data-label="Incident">
                        <strong>{i.title}</strong>
                        <span className={styles.sub}>
                          {i.component} · {KIND[i.kind] ?? i.kind}
                        </span>
                        {i.detail && <span className={styles.sub}>{i.detail}</span>}
                      </td>
                      <td data-label="Status">{i.status === 'open' ? <Badge tone="red">Open</Badge> : <Badge tone="green">Resolved</Badge>}</td>
                      <td data-label="Started">
                        <Time value={i.startedAt} />
                      </td>
                      <td data-label="Resolved">
                        <Time value={i.resolvedAt} />
                      </td>
                      <td className="align-right">{i.status === 'open' && i.kind === 'manual' && <OpenIncidentActions id={i.id} component={i.component} title={i.title} detail={i.detail} />}</td>
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
