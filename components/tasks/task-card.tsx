'use client';

import type { DragEvent, KeyboardEvent, Ref } from 'react';
import { Avatar } from '@/components/ui';
import type { Task } from '@/lib/tasks/schemas';
import { formatDate, initials } from '@/lib/ui/format';
import styles from './tasks.module.css';

function isOverdue(due: string | null): boolean {
  return due !== null && due < new Date().toISOString().slice(0, 10);
}

export function TaskCard({
  task,
  cardRef,
  canWrite,
  picked,
  dragging,
  position,
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
        {(task.labels.length > 0 || task.dueDate || task.assignee || task.source) && (
          <span className={styles.cardMeta}>
            {task.labels.map((l) => (
              <span key={l} className={styles.label}>
                {l}
              </span>
            ))}
            {task.dueDate && <span className={isOverdue(task.dueDate) ? styles.overdue : undefined}>Due {formatDate(`${task.dueDate}T12:00:00Z`)}</span>}
            {task.source && <span className={styles.source}>from a document</span>}
            <span className={styles.spacer} />
            {task.assignee && (
              <span title={`Assigned to ${task.assignee.name}`}>
                <Avatar text={initials(task.assignee.name, task.assignee.email)} size={22} />
              </span>
            )}
          </span>
        )}
      </div>
    </li>
  );
}
