'use client';

import Link from 'next/link';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ConfirmButton } from '@/components/confirm-button';
import { Icon } from '@/components/icons';
import { Alert } from '@/components/ui';
import type { BoardColumn, Task } from '@/lib/tasks/schemas';
import { errorMessage } from '@/lib/ui/api';
import { Time } from '@/components/time';
import { deleteTask, patchTask, type TaskPatch } from './task-api';
import { sourceHref } from './task-card';
import styles from './tasks.module.css';
import { LengthHint, tooLong } from '@/components/length-hint';
import { LIMITS } from '@/lib/validation/text';

export interface AssigneeOption {
  id: string;
  name: string;
}

interface Form {
  title: string;
  description: string;
  status: string;
  assigneeId: string;
  dueDate: string;
  labels: string;
}

function formOf(task: Task): Form {
  return {
    title: task.title,
    description: task.description,
    status: task.status,
    assigneeId: task.assigneeId ?? '',
    dueDate: task.dueDate ?? '',
    labels: task.labels.join(', '),
  };
}

function parseLabels(text: string): string[] {
  return text
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
}

// Only the fields that differ from the version the form was loaded from, so a save never overwrites a field
// the user did not touch.
function changesBetween(base: Task, form: Form): TaskPatch {
  const out: TaskPatch = {};
  if (form.title.trim() !== base.title) out.title = form.title.trim();
  if (form.description !== base.description) out.description = form.description;
  if (form.status !== base.status) out.status = form.status;
  if ((form.assigneeId || null) !== base.assigneeId) out.assigneeId = form.assigneeId || null;
  if ((form.dueDate || null) !== base.dueDate) out.dueDate = form.dueDate || null;
  const labels = parseLabels(form.labels);
  if (labels.join('\n') !== base.labels.join('\n')) out.labels = labels;
  return out;
}

export function TaskDrawer({
  task,
  columns,
  assignees,
  canWrite,
  onClose,
  onSaved,
  onDeleted,
}: {
  task: Task;
  columns: BoardColumn[];
  assignees: AssigneeOption[];
  canWrite: boolean;
  onClose: () => void;
  onSaved: (task: Task) => void;
  onDeleted: (task: Task) => void;
}) {
  const titleId = useId();
  const [base, setBase] = useState(task);
  const [form, setForm] = useState<Form>(() => formOf(task));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const firstField = useRef<HTMLInputElement>(null);
  const dirty = Object.keys(changesBetween(base, form)).length > 0;
  const behind = task.version > base.version;

  // Someone else saved: follow along silently unless the user has unsaved edits of their own.
  useEffect(() => {
    if (!behind || dirty) return;
    // Adopting the newer server state is exactly what this effect is for.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setBase(task);
    setForm(formOf(task));
  }, [behind, dirty, task]);

  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });
  useEffect(() => {
    firstField.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const set = (key: keyof Form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));

  async function save(e: FormEvent) {
    e.preventDefault();
    const changes = changesBetween(base, form);
    if (Object.keys(changes).length === 0) return onClose();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const result = await patchTask(base, changes);
      onSaved(result.task);
      setBase(result.task);
      setForm(formOf(result.task));
      if (result.kind === 'conflict') setNotice(result.message);
      else onClose();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const knownAssignee = assignees.some((a) => a.id === form.assigneeId);
  return (
    <>
      <div className={styles.backdrop} onClick={onClose} aria-hidden="true" />
      <aside className={styles.drawer} role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="task-drawer">
        <div className={styles.drawerHeader}>
          <h2 id={titleId} className={styles.drawerTitle}>
            {canWrite ? 'Edit task' : 'Task'}
          </h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            <Icon name="x" />
          </button>
        </div>
        <form className={styles.drawerBody} onSubmit={save} id="task-form">
          {notice && (
            <Alert tone="warning" title="This task changed">
              {notice}
            </Alert>
          )}
          {behind && dirty && (
            <Alert tone="info" title="Changed by someone else">
              Saving will show you their version first.{' '}
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => {
                  setBase(task);
                  setForm(formOf(task));
                }}>
                Discard my edits
              </button>
            </Alert>
          )}
          {error && <Alert tone="error">{error}</Alert>}
          {base.source && (
            <section className={styles.provenance} data-testid="task-provenance" aria-label="Where this task came from">
              <div className={styles.provenanceHead}>
                <Icon name="file" size={14} />
                {base.source.documentTitle ? (
                  <span>
                    From <Link href={sourceHref(base.source)}>{base.source.documentTitle}</Link>
                  </span>
                ) : (
                  <span>From a document that has since been deleted</span>
                )}
              </div>
              {base.source.quote && <blockquote className={styles.quote}>{base.source.quote}</blockquote>}
            </section>
          )}
          <div className="field">
            <label htmlFor="task-title">Title</label>
            <input
              ref={firstField}
              id="task-title"
              className="input"
              value={form.title}
              onChange={set('title')}
              required
              disabled={!canWrite}
              aria-describedby="task-title-hint"
              aria-invalid={tooLong(form.title, LIMITS.taskTitle)}
            />
            <LengthHint id="task-title-hint" value={form.title} max={LIMITS.taskTitle} label="Title" />
          </div>
          <div className="field">
            <label htmlFor="task-description">Description</label>
            <textarea id="task-description" className={`input ${styles.textarea}`} value={form.description} onChange={set('description')} disabled={!canWrite} />
          </div>
          <div className={styles.twoUp}>
            <div className="field">
              <label htmlFor="task-status">Column</label>
              <select id="task-status" className="input select" value={form.status} onChange={set('status')} disabled={!canWrite}>
                {columns.map((c) => (
                  <option key={c.id} value={c.key}>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="task-assignee">Assignee</label>
              <select id="task-assignee" className="input select" value={form.assigneeId} onChange={set('assigneeId')} disabled={!canWrite}>
                <option value="">Unassigned</option>
                {!knownAssignee && form.assigneeId && <option value={form.assigneeId}>{task.assignee?.name ?? 'Former member'}</option>}
                {assignees.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className={styles.twoUp}>
            <div className="field">
              <label htmlFor="task-due">Due date</label>
              <input id="task-due" type="date" className="input" value={form.dueDate} onChange={set('dueDate')} disabled={!canWrite} />
            </div>
            <div className="field">
              <label htmlFor="task-labels">Labels</label>
              <input id="task-labels" className="input" value={form.labels} onChange={set('labels')} placeholder="e.g. urgent, client" disabled={!canWrite} />
              <span className="hint">Separate labels with commas.</span>
            </div>
          </div>
          <p className="hint">
            Created <Time value={base.createdAt} />
            {base.updatedAt !== base.createdAt && (
              <>
                {' '}
                · changed <Time value={base.updatedAt} />
              </>
            )}
          </p>
        </form>
        <div className={styles.drawerFooter}>
          {canWrite ? (
            <ConfirmButton
              label="Delete task"
              confirmLabel="Delete"
              onConfirm={async () => {
                try {
                  await deleteTask(task.id);
                  onDeleted(task);
                } catch (err) {
                  setError(errorMessage(err));
                }
              }}
            />
          ) : (
            <span />
          )}
          <span className="form-actions">
            <button type="button" className="btn btn-secondary" onClick={onClose}>
              {canWrite ? 'Cancel' : 'Close'}
            </button>
            {canWrite && (
              <button type="submit" form="task-form" className="btn btn-primary" disabled={busy || !dirty || tooLong(form.title, LIMITS.taskTitle)}>
                {busy ? 'Saving…' : 'Save'}
              </button>
            )}
          </span>
        </div>
      </aside>
    </>
  );
}
