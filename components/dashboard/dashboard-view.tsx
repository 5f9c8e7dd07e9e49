'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import { Icon, type IconName } from '@/components/icons';
import { StatusBadge } from '@/components/documents/status-badge';
import { useCan } from '@/components/shell/me-context';
import { DueDate, Time } from '@/components/time';
import { Alert, Card, EmptyState, PageHeader, Spinner } from '@/components/ui';
import type { Dashboard } from '@/lib/dashboard/dashboard';
import type { Permission } from '@/lib/auth/permissions';
import { formatBytes, formatNumber, pluralize } from '@/lib/ui/format';
import { useResource } from '@/lib/ui/use-resource';
import styles from './dashboard.module.css';

type Quota = NonNullable<Dashboard['quotas']>['quotas'][number];

// Each quota in the unit people think in: uploads, megabytes, people, dollars.
const QUOTA_TEXT: Record<Quota['quota'], { label: string; amount: (n: number) => string; period: string }> = {
  documents: { label: 'Documents uploaded', amount: formatNumber, period: 'this month' },
  storage: { label: 'Storage', amount: formatBytes, period: '' },
  members: { label: 'Members and invitations', amount: formatNumber, period: '' },
  ai_spend: { label: 'AI spend', amount: (micros) => `$${(micros / 1_000_000).toFixed(2)}`, period: 'this month' },
};

function QuotaBar({ q }: { q: Quota }) {
  const text = QUOTA_TEXT[q.quota];
  const percent = q.percent === null ? 0 : Math.min(100, q.percent);
  return (
    <div className={styles.quota} data-testid="quota" data-quota={q.quota}>
      <div className={styles.quotaHead}>
        <span className={styles.quotaLabel}>{text.label}</span>
        <span className={q.status === 'ok' ? 'muted small' : q.status === 'warning' ? styles.warn : styles.over}>
          {text.amount(q.used)} {q.limit === null ? '(no limit)' : `of ${text.amount(q.limit)}`} {text.period}
        </span>
      </div>
      {q.limit !== null && (
        <div className={styles.bar} role="progressbar" aria-label={text.label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
          <div className={`${styles.fill} ${q.status !== 'ok' ? styles.fillWarn : ''}`} style={{ width: `${Math.max(percent, q.used > 0 ? 2 : 0)}%` }} />
        </div>
      )}
      {q.resetsAt && q.limit !== null && (
        <span className="muted small">
          Starts over <Time value={q.resetsAt} />
        </span>
      )}
    </div>
  );
}

function Stat({ href, label, value, sub, testId }: { href: string; label: string; value: string; sub: ReactNode; testId: string }) {
  return (
    <Link href={href} className={`stat ${styles.statLink}`} data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      <div className="stat-sub">{sub}</div>
    </Link>
  );
}

const PLAN_NAMES: Record<string, string> = { standard: 'Standard', professional: 'Professional', enterprise: 'Enterprise' };

const STEPS: { href: string; icon: IconName; title: string; text: string; permission: Permission; done: (d: Dashboard) => boolean }[] = [
  { href: '/app/documents', icon: 'file', title: 'Upload documents', text: 'Meeting notes, reports, PDFs or recordings become searchable, with their action items on the board.', permission: 'documents:write', done: (d) => (d.documents?.total ?? 0) > 0 },
  { href: '/app/assistant', icon: 'message', title: 'Ask the assistant', text: 'Answers cite the passages they come from; your conversations are kept.', permission: 'documents:read', done: (d) => (d.conversations?.length ?? 0) > 0 },
  { href: '/app/members', icon: 'users', title: 'Invite your team', text: 'Add teammates and give each the role they need.', permission: 'members:manage', done: (d) => (d.quotas?.quotas.find((q) => q.quota === 'members')?.used ?? 0) > 1 },
  { href: '/app/settings', icon: 'sliders', title: 'Connect a model', text: 'The offline provider works with no keys; a model gives fuller answers and summaries.', permission: 'settings:manage', done: () => false },
  { href: '/app/api-keys', icon: 'key', title: 'Connect your systems', text: 'Create a scoped API key for the REST API.', permission: 'apikeys:manage', done: () => false },
];

export function DashboardView({ firstName, organization }: { firstName: string; organization: string }) {
  const can = useCan();
  const { data, error, loading } = useResource<Dashboard>('/api/v1/dashboard');
  const header = <PageHeader title={`Welcome, ${firstName}`} description={`Here is what is happening in ${organization}.`} />;
  if (loading) {
    return (
      <>
        {header}
        <Spinner label="Loading your dashboard" />
      </>
    );
  }
  if (!data) {
    return (
      <>
        {header}
        <Alert tone="error" title="The dashboard could not be loaded">
          {error ?? 'Try again in a moment.'}
        </Alert>
      </>
    );
  }
  const docs = data.documents;
  const tasks = data.tasks;
  const inFlight = docs ? docs.byStatus.queued + docs.byStatus.processing : 0;
  const stuck = docs ? docs.byStatus.failed + docs.byStatus.needs_transcription_provider : 0;
  const steps = STEPS.filter((s) => can(s.permission));
  const fresh = !docs || docs.total === 0;

  return (
    <>
      {header}
      {fresh && steps.length > 0 && (
        <Card title="Get started" description="A few steps to make Reflex useful for your team." flush>
          <div className="step-list">
            {steps.map((s) => {
              const done = s.done(data);
              return (
                <Link key={s.href} href={s.href} className="step" data-done={done}>
                  <span className="step-icon">
                    <Icon name={done ? 'check' : s.icon} size={18} />
                  </span>
                  <span className="step-text">
                    <span className="step-title">{s.title}</span>
                    <span className="step-sub">{s.text}</span>
                  </span>
                  <Icon name="arrowRight" size={16} className="step-arrow" />
                </Link>
              );
            })}
          </div>
        </Card>
      )}
      <div className="stat-grid">
        {docs && (
          <Stat
            href="/app/documents"
            testId="stat-documents"
            label="Documents"
            value={formatNumber(docs.total)}
            sub={
              docs.total === 0
                ? 'None yet'
                : [`${formatNumber(docs.byStatus.processed)} ready`, inFlight ? `${formatNumber(inFlight)} processing` : '', stuck ? `${formatNumber(stuck)} need attention` : '']
                    .filter(Boolean)
                    .join(' · ')
            }
          />
        )}
        {tasks && (
          <Stat
            href="/app/tasks"
            testId="stat-tasks"
            label="Open tasks"
            value={formatNumber(tasks.open)}
            sub={
              <>
                {formatNumber(tasks.dueThisWeek)} due in the next 7 days
                {tasks.overdue > 0 && <span className={styles.over}> · {formatNumber(tasks.overdue)} overdue</span>}
              </>
            }
          />
        )}
        {tasks && (
          <Stat
            href="/app/tasks?assignee=me"
            testId="stat-mine"
            label="Assigned to you"
            value={formatNumber(tasks.mine.length)}
            sub={tasks.mine.length === 0 ? 'Nothing assigned to you' : tasks.mine[0]?.dueDate ? <DueDate day={tasks.mine[0].dueDate} prefix="Next due" /> : 'None with a due date'}
          />
        )}
      </div>

      <div className={styles.columns}>
        {docs && (
          <Card
            title="Recent documents"
            actions={
              <Link className="btn btn-ghost btn-sm" href="/app/documents">
                All documents →
              </Link>
            }
            flush
          >
            {docs.recent.length === 0 ? (
              <EmptyState
                icon="file"
                title="No documents yet"
                action={
                  can('documents:write') ? (
                    <Link className="btn btn-primary btn-sm" href="/app/documents">
                      Upload documents
                    </Link>
                  ) : undefined
                }
              >
                Meeting notes, reports and PDFs become searchable, and their action items land on the task board.
              </EmptyState>
            ) : (
              <ul className={styles.list}>
                {docs.recent.map((d) => (
                  <li key={d.id} className={styles.row} data-testid="recent-document">
                    <Link href={`/app/documents/${d.id}`} className={styles.rowTitle} title={d.title}>
                      {d.title}
                    </Link>
                    <StatusBadge status={d.status} step={d.currentStep} />
                    <span className="muted small nowrap">
                      <Time value={d.createdAt} />
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        )}
        {tasks && (
          <Card
            title="My tasks"
            description={tasks.doneColumn ? `Open tasks assigned to you (not in ${tasks.doneColumn}), soonest due first.` : 'Tasks assigned to you, soonest due first.'}
            actions={
              <Link className="btn btn-ghost btn-sm" href="/app/tasks?assignee=me">
                Board →
              </Link>
            }
            flush
          >
            {tasks.mine.length === 0 ? (
              <EmptyState icon="tasks" title="Nothing assigned to you">
                Tasks from your documents are assigned when they name you; anyone can assign a task from the board.
              </EmptyState>
            ) : (
              <ul className={styles.list}>
                {tasks.mine.map((t) => (
                  <li key={t.id} className={styles.row} data-testid="my-task">
                    <Link href={`/app/tasks?task=${t.id}`} className={styles.rowTitle} title={t.title}>
                      {t.title}
                    </Link>
                    {t.source?.documentTitle && (
                      <span className={`muted small ${styles.rowSource}`} title={`From ${t.source.documentTitle}`}>
                        {t.source.documentTitle}
                      </span>
                    )}
                    {t.dueDate ? <DueDate day={t.dueDate} className="small nowrap" overdueClassName={styles.over} /> : <span className="muted small">No date</span>}
                  </li>
                ))}
              </ul>
            )}
          </Card>
        )}
      </div>

      <div className={styles.columns}>
        {data.conversations && (
          <Card
            title="Recent conversations"
            actions={
              <Link className="btn btn-ghost btn-sm" href="/app/assistant">
                New question →
              </Link>
            }
            flush
          >
            {data.conversations.length === 0 ? (
              <EmptyState icon="message" title="No conversations yet">
                Ask about your documents; answers cite their sources, and each conversation is kept for you.
              </EmptyState>
            ) : (
              <ul className={styles.list}>
                {data.conversations.map((c) => (
                  <li key={c.id} className={styles.row}>
                    <Link href={`/app/assistant?c=${c.id}`} className={styles.rowTitle} title={c.title ?? 'New conversation'}>
                      {c.title ?? 'New conversation'}
                    </Link>
                    <span className="muted small nowrap">
                      {pluralize(c.turnCount, 'question')} · <Time value={c.updatedAt} />
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        )}
        {data.quotas && (
          <Card
            title="Usage"
            description={`Against the limits of the ${PLAN_NAMES[data.quotas.plan] ?? data.quotas.plan} plan.`}
            actions={
              <Link className="btn btn-ghost btn-sm" href="/app/usage">
                Details →
              </Link>
            }
          >
            <div className={styles.quotas}>
              {data.quotas.quotas.map((q) => (
                <QuotaBar key={q.quota} q={q} />
              ))}
            </div>
          </Card>
        )}
      </div>

    </>
  );
}
