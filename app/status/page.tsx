import type { Metadata } from 'next';
import { connection } from 'next/server';
import { getStatusSnapshot, type StatusSnapshot } from '@/lib/health';
import { formatDateTime, formatDuration } from '@/lib/ui/format';
import styles from './status.module.css';
import { UptimeBar } from './uptime-bar';

export const metadata: Metadata = { title: 'Status', description: 'Reflex platform status and recent incidents' };

type ComponentStatus = StatusSnapshot['components'][number]['status'];

const OVERALL: Record<StatusSnapshot['overall'], { text: string; className: string | undefined }> = {
  operational: { text: 'All systems operational', className: styles.up },
  degraded: { text: 'Some systems are degraded', className: styles.degraded },
  outage: { text: 'Major outage', className: styles.down },
};

const COMPONENT: Record<ComponentStatus, { text: string; className: string | undefined }> = {
  up: { text: 'Operational', className: styles.up },
  degraded: { text: 'Degraded', className: styles.degraded },
  down: { text: 'Unavailable', className: styles.down },
  disabled: { text: 'Not configured', className: styles.disabled },
};

// Public and unauthenticated: it renders platform components and platform incidents only, never tenant data.
export default async function StatusPage() {
  await connection();
  const snapshot = await getStatusSnapshot();
  const overall = OVERALL[snapshot.overall];
  const open = snapshot.incidents.filter((i) => i.status === 'open');
  const past = snapshot.incidents.filter((i) => i.status === 'resolved');
  return (
    <main className={styles.page}>
      <header className={styles.header}>
        <h1 className={styles.title}>Reflex status</h1>
        <p className={styles.muted}>Checked {formatDateTime(snapshot.generatedAt)} · results are at most 15 seconds old</p>
      </header>

      <section className={`${styles.banner} ${overall.className ?? ''}`} aria-live="polite">
        <span className={styles.dot} aria-hidden="true" />
        <strong>{overall.text}</strong>
      </section>

      {snapshot.maintenance.enabled && (
        <section className={`${styles.notice} ${styles.degraded}`} aria-label="Maintenance">
          <strong>Maintenance in progress.</strong> {snapshot.maintenance.message}
        </section>
      )}

      {open.length > 0 && (
        <section aria-labelledby="open-incidents">
          <h2 id="open-incidents" className={styles.heading}>Ongoing incidents</h2>
          <ul className={styles.incidents}>
            {open.map((i) => (
              <li key={i.id} className={`${styles.incident} ${styles.down}`}>
                <p className={styles.incidentTitle}>{i.title}</p>
                {i.detail && <p className={styles.muted}>{i.detail}</p>}
                <p className={styles.muted}>Since {formatDateTime(i.startedAt)}</p>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="components">
        <h2 id="components" className={styles.heading}>Components</h2>
        <ul className={styles.components}>
          {snapshot.components.map((c) => {
            const s = COMPONENT[c.status];
            return (
              <li key={c.name} className={`${styles.component} ${s.className ?? ''}`} data-component={c.name} data-status={c.status}>
                <span className={styles.dot} aria-hidden="true" />
                <span className={styles.componentName}>{c.label}</span>
                <span className={styles.componentState}>{s.text}</span>
                {c.uptime && <UptimeBar uptime={c.uptime} days={snapshot.uptimeDays} label={c.label} />}
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="past-incidents">
        <h2 id="past-incidents" className={styles.heading}>Past incidents (14 days)</h2>
        {past.length === 0 ? (
          <p className={styles.muted}>No incidents reported.</p>
        ) : (
          <ul className={styles.incidents}>
            {past.map((i) => (
              <li key={i.id} className={styles.incident}>
                <p className={styles.incidentTitle}>{i.title}</p>
                {i.detail && <p className={styles.muted}>{i.detail}</p>}
                <p className={styles.muted}>
                  {formatDateTime(i.startedAt)}
                  {i.resolvedAt && ` · resolved after ${formatDuration(Date.parse(i.resolvedAt) - Date.parse(i.startedAt))}`}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
