'use client';

import Link from 'next/link';
import type { DragEvent, KeyboardEvent, Ref } from 'react';
import { Icon } from '@/components/icons';
import { DueDate } from '@/components/time';
import { Avatar } from '@/components/ui';
import type { Task } from '@/lib/tasks/schemas';
import { initials } from '@/lib/ui/format';
import styles from './tasks.module.css';

// The document a task came from, opened at the sentence it was found in.
export function sourceHref(source: NonNullable<Task['source']>): string {
  return `/app/documents/${source.documentId}${source.quote ? `?quote=${encodeURIComponent(source.quote)}` : ''}`;
}

export function TaskCard({
  task,
  cardRef,
  canWrite,
  picked,
  dragging,
  position,
  showSource = true,
  onOpen,
  onKeyDown,
  onDragStart,
  onDragEnd,
}: {
  task: Task;
  cardRef: Ref<HTMLDivElement>;
  canWrite: boolean;
  picked: boolean;
  dragging: boolean;
  position: string;
  showSource?: boolean;
  onOpen: () => void;
  onKeyDown: (e: KeyboardEvent<HTMLDivElement>) => void;
  onDragStart: (e: DragEvent<HTMLDivElement>) => void;
  onDragEnd: () => void;
}) {
  const className = [styles.card, canWrite ? '' : styles.readOnly, picked ? styles.picked : '', dragging ? styles.dragging : ''].filter(Boolean).join(' ');
  return (
    <li className={styles.item}>
      <div
        ref={cardRef}
        className={className}
        tabIndex={0}
        role="button"
        aria-roledescription={canWrite ? 'movable task' : 'task'}
        aria-describedby={canWrite ? 'task-board-instructions' : undefined}
        aria-pressed={canWrite ? picked : undefined}
        aria-label={`${task.title}, ${position}`}
        data-testid="task-card"
        data-task-id={task.id}
        draggable={canWrite}
        onClick={onOpen}
        onKeyDown={onKeyDown}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
      >
        <span className={styles.cardTitle}>{task.title}</span>
        {(task.labels.length > 0 || task.dueDate || task.assignee) && (
          <span className={styles.cardMeta}>
            {task.labels.map((l) => (
              <span key={l} className={styles.label}>
                {l}
              </span>
            ))}
            {task.dueDate && <DueDate day={task.dueDate} overdueClassName={styles.overdue} />}
            <span className={styles.spacer} />
            {task.assignee && (
              <span title={`Assigned to ${task.assignee.name}`}>
                <Avatar text={initials(task.assignee.name, task.assignee.email)} size={22} />
              </span>
            )}
          </span>
        )}
        {showSource && task.source && (
          // A link inside the card: following it must not also open the card.
          <Link
            href={sourceHref(task.source)}
            className={styles.source}
            title={task.source.quote ? `“${task.source.quote}”` : undefined}
            data-testid="task-source"
            onClick={(e) => e.stopPropagation()}
            onKeyDown={(e) => e.stopPropagation()}
          >
            <Icon name="file" size={13} />
            <span className={styles.sourceTitle}>{task.source.documentTitle ?? 'Deleted document'}</span>
          </Link>
        )}
      </div>
    </li>
  );
}
