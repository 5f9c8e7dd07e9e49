'use client';

import type { Task } from '@/lib/tasks/schemas';
import { formatNumber } from '@/lib/ui/format';
import styles from './tasks.module.css';

// Where the board's tasks came from: one entry per source document (newest first), then the ones added by hand.
export interface TaskSource {
  key: string;
  documentId: string | null;
  title: string;
  count: number;
}

export const BY_HAND = 'none';

export function sourcesOf(tasks: readonly Task[]): TaskSource[] {
  const docs = new Map<string, TaskSource & { latest: string }>();
  let byHand = 0;
  for (const t of tasks) {
    if (!t.source) {
      byHand++;
      continue;
    }
    const found = docs.get(t.source.documentId);
    if (found) {
      found.count++;
      if (t.createdAt > found.latest) found.latest = t.createdAt;
    } else {
      docs.set(t.source.documentId, {
        key: t.source.documentId,
        documentId: t.source.documentId,
        title: t.source.documentTitle ?? 'Deleted document',
        count: 1,
        latest: t.createdAt,
      });
    }
  }
  const ordered: TaskSource[] = [...docs.values()].sort((a, b) => b.latest.localeCompare(a.latest) || a.title.localeCompare(b.title));
  return byHand > 0 ? [...ordered, { key: BY_HAND, documentId: null, title: 'Added by hand', count: byHand }] : ordered;
}

export function sourceKeyOf(task: Task): string {
  return task.source?.documentId ?? BY_HAND;
}

// Chips, so a board of many documents' tasks can be narrowed to one with a click.
export function SourceFilter({ sources, value, onChange }: { sources: TaskSource[]; value: string; onChange: (key: string) => void }) {
  if (sources.length < 2 && value === '') return null;
  const total = sources.reduce((n, s) => n + s.count, 0);
  return (
    <div className={styles.sources} role="group" aria-label="Filter by source" data-testid="source-filter">
      <button type="button" className={styles.sourceChip} aria-pressed={value === ''} onClick={() => onChange('')}>
        All sources <span className={styles.chipCount}>{formatNumber(total)}</span>
      </button>
      {sources.map((s) => (
        <button
          key={s.key}
          type="button"
          className={styles.sourceChip}
          aria-pressed={value === s.key}
          title={s.title}
          data-testid="source-chip"
          onClick={() => onChange(value === s.key ? '' : s.key)}
        >
          <span className={styles.sourceTitle}>{s.title}</span> <span className={styles.chipCount}>{formatNumber(s.count)}</span>
        </button>
      ))}
    </div>
  );
}
