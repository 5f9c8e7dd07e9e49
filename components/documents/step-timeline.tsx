import { Badge, type BadgeTone } from '@/components/ui';
import styles from './documents.module.css';
import { formatCost, formatMs } from './format';
import type { DocumentStep } from './types';

const STEP_LABEL: Record<DocumentStep['step'], string> = {
  extract: 'Extract text',
  chunk: 'Chunk',
  embed: 'Embed',
  classify: 'Classify and tag',
  verify: 'Verify against rules',
  summarize: 'Summarize and find action items',
};

const STATUS_TONE: Record<DocumentStep['status'], BadgeTone> = { running: 'blue', done: 'green', failed: 'red', needs_provider: 'amber' };
const STATUS_LABEL: Record<DocumentStep['status'], string> = { running: 'Running', done: 'Done', failed: 'Failed', needs_provider: 'Needs provider' };

export function StepTimeline({ steps }: { steps: DocumentStep[] }) {
  if (steps.length === 0) return <p className="muted">No step has started yet.</p>;
  return (
    <ol className={styles.timeline}>
      {steps.map((s) => (
        <li key={s.step} className={styles.timelineItem} data-testid="pipeline-step" data-step={s.step} data-status={s.status}>
          <span className={`${styles.timelineDot} ${styles[`dot_${s.status}`] ?? ''}`} aria-hidden="true" />
          <div className={styles.timelineBody}>
            <div className={styles.timelineHead}>
              <span className={styles.timelineTitle}>{STEP_LABEL[s.step]}</span>
              <Badge tone={STATUS_TONE[s.status]}>{STATUS_LABEL[s.status]}</Badge>
            </div>
            <div className={styles.timelineMeta}>
              <span title="Provider and model">{s.provider ? `${s.provider}${s.model ? ` · ${s.model}` : ''}` : 'no AI call'}</span>
              <span title="Latency">{formatMs(s.latencyMs)}</span>
              <span title="Cost">{formatCost(s.costMicros)}</span>
              {s.attempts > 1 && <span>{s.attempts} attempts</span>}
            </div>
            {s.error && <div className={styles.rowError}>{s.error}</div>}
          </div>
        </li>
      ))}
    </ol>
  );
}
