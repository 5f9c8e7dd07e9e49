'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { Icon } from '@/components/icons';
import { Alert } from '@/components/ui';
import type { BoardColumn } from '@/lib/tasks/schemas';
import { errorMessage } from '@/lib/ui/api';
import { saveColumns } from './task-api';
import styles from './tasks.module.css';
import { tooLong } from '@/components/length-hint';
import { LIMITS } from '@/lib/validation/text';

interface Row {
  id?: string;
  name: string;
  tasks: number;
}

// Rename, add, reorder and delete columns (PUT /api/v1/board/columns takes the whole board at once).
export function ColumnEditor({
  columns,
  taskCounts,
  onClose,
  onSaved,
}: {
  columns: BoardColumn[];
  taskCounts: Map<string, number>;
  onClose: () => void;
  onSaved: (columns: BoardColumn[]) => void;
}) {
  const titleId = useId();
  const [rows, setRows] = useState<Row[]>(() => columns.map((c) => ({ id: c.id, name: c.name, tasks: taskCounts.get(c.id) ?? 0 })));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const update = (i: number, change: Partial<Row>) => setRows((all) => all.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const swap = (i: number, j: number) =>
    setRows((all) => {
      const next = [...all];
      const [a, b] = [next[i], next[j]];
      if (!a || !b) return all;
      next[i] = b;
      next[j] = a;
      return next;
    });

  async function save() {
    setBusy(true);
    setError(null);
    try {
      const result = await saveColumns(rows.map((r) => ({ ...(r.id ? { id: r.id } : {}), name: r.name.trim() })));
      onSaved(result.items);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <div className={styles.backdrop} onClick={onClose} aria-hidden="true" />
      <aside className={styles.drawer} role="dialog" aria-modal="true" aria-labelledby={titleId}>
        <div className={styles.drawerHeader}>
          <h2 id={titleId} className={styles.drawerTitle}>
            Board columns
          </h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            <Icon name="x" />
          </button>
        </div>
        <div className={styles.drawerBody}>
          {error && <Alert tone="error">{error}</Alert>}
          <p className="hint">Rename, reorder or add columns. A column can be deleted once it holds no tasks.</p>
          {rows.map((r, i) => (
            <div key={r.id ?? `new-${i}`} className={styles.columnRow}>
              <input
                className="input input-sm"
                aria-label={`Column ${i + 1} name`}
                aria-invalid={tooLong(r.name, LIMITS.columnName)}
                value={r.name}
                onChange={(e) => update(i, { name: e.target.value })}
              />
              <button type="button" className="btn btn-sm btn-ghost" aria-label={`Move ${r.name} up`} disabled={i === 0} onClick={() => swap(i, i - 1)}>
                ↑
              </button>
              <button type="button" className="btn btn-sm btn-ghost" aria-label={`Move ${r.name} down`} disabled={i === rows.length - 1} onClick={() => swap(i, i + 1)}>
                ↓
              </button>
              <button
                type="button"
                className="btn btn-sm btn-ghost-danger"
                aria-label={`Delete ${r.name}`}
                title={r.tasks > 0 ? `Holds ${r.tasks} task(s): move them first` : undefined}
                disabled={r.tasks > 0 || rows.length === 1}
                onClick={() => setRows((all) => all.filter((_, j) => j !== i))}
              >
                <Icon name="x" size={14} />
              </button>
            </div>
          ))}
          {rows.some((r) => tooLong(r.name, LIMITS.columnName)) && (
            <span className="hint hint-error" role="alert">
              Column names must be at most {LIMITS.columnName} characters; shorten the one marked in red.
            </span>
          )}
          <button type="button" className="btn btn-sm btn-secondary" onClick={() => setRows((all) => [...all, { name: 'New column', tasks: 0 }])} disabled={rows.length >= 20}>
            <Icon name="plus" size={15} /> Add column
          </button>
        </div>
        <div className={styles.drawerFooter}>
          <span />
          <span className="form-actions">
            <button type="button" className="btn btn-secondary" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" disabled={busy || rows.some((r) => !r.name.trim() || tooLong(r.name, LIMITS.columnName))} onClick={save}>
              {busy ? 'Saving…' : 'Save columns'}
            </button>
          </span>
        </div>
      </aside>
    </>
  );
}
