'use client';

import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent, type ReactNode } from 'react';
import { Icon } from '@/components/icons';
import type { BoardColumn, Task } from '@/lib/tasks/schemas';
import { TaskCard } from './task-card';
import styles from './tasks.module.css';
import { LengthHint, tooLong } from '@/components/length-hint';
import { LIMITS } from '@/lib/validation/text';

// The columns and cards, with two ways to move a card: HTML5 drag and drop, and the keyboard (Space picks a
// card up, arrows move it, Space drops it, Escape puts it back), announced through the board's live region.

interface Pickup {
  taskId: string;
  column: number;
  index: number;
  originColumn: number;
  originIndex: number;
}

export interface MoveRequest {
  task: Task;
  column: BoardColumn;
  // Slot among all of the column's tasks (filters may hide some), which is what the API's `position` means.
  position: number;
  before: Task | null;
  after: Task | null;
}

export function BoardView({
  columns,
  all,
  visible,
  canWrite,
  onMove,
  onOpen,
  onCreate,
  announce,
  lane = false,
}: {
  columns: BoardColumn[];
  all: Map<string, Task[]>;
  visible: Map<string, Task[]>;
  canWrite: boolean;
  onMove: (move: MoveRequest) => void;
  onOpen: (task: Task) => void;
  onCreate: (column: BoardColumn, title: string) => Promise<boolean>;
  announce: (message: string) => void;
  // One document's lane of a grouped board: its cards need no source line, counts are the lane's own, and new
  // tasks are added outside the lanes.
  lane?: boolean;
}) {
  const [pickup, setPickup] = useState<Pickup | null>(null);
  const [dragId, setDragId] = useState<string | null>(null);
  const [dropAt, setDropAt] = useState<{ column: string; index: number } | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const cards = useRef(new Map<string, HTMLDivElement>());

  // A picked-up card changes columns by re-mounting; keep the keyboard focus on it.
  useEffect(() => {
    const id = pickup?.taskId ?? focusId;
    if (id) cards.current.get(id)?.focus();
  }, [pickup, focusId]);

  const visibleWithout = (columnId: string, taskId: string) => (visible.get(columnId) ?? []).filter((t) => t.id !== taskId);

  // Maps a slot in the visible list to the neighbours (and the slot) in the full column.
  function requestMove(task: Task, column: BoardColumn, visibleIndex: number) {
    const shown = visibleWithout(column.id, task.id);
    const full = (all.get(column.id) ?? []).filter((t) => t.id !== task.id);
    const prevShown = shown[visibleIndex - 1] ?? null;
    const nextShown = shown[visibleIndex] ?? null;
    const position = prevShown ? full.findIndex((t) => t.id === prevShown.id) + 1 : nextShown ? full.findIndex((t) => t.id === nextShown.id) : full.length;
    const unchanged = task.columnId === column.id && (all.get(column.id) ?? []).findIndex((t) => t.id === task.id) === position;
    if (unchanged) return;
    onMove({ task, column, position, before: full[position - 1] ?? null, after: full[position] ?? null });
  }

  const describe = (p: Pickup) => {
    const column = columns[p.column];
    const count = (column ? visibleWithout(column.id, p.taskId).length : 0) + 1;
    return `${column?.name ?? ''}, position ${p.index + 1} of ${count}`;
  };

  function onCardKey(e: KeyboardEvent<HTMLDivElement>, task: Task, columnIndex: number, index: number) {
    if (!pickup || pickup.taskId !== task.id) {
      if (e.key === 'Enter') {
        e.preventDefault();
        onOpen(task);
      } else if (e.key === ' ' && canWrite) {
        e.preventDefault();
        const p = { taskId: task.id, column: columnIndex, index, originColumn: columnIndex, originIndex: index };
        setPickup(p);
        announce(`Picked up ${task.title}. ${describe(p)}. Use the arrow keys to move it, Space to drop it, Escape to cancel.`);
      }
      return;
    }
    const clampIndex = (column: number, i: number) => {
      const c = columns[column];
      return Math.max(0, Math.min(i, c ? visibleWithout(c.id, task.id).length : 0));
    };
    let next: Pickup | null = null;
    if (e.key === 'ArrowUp') next = { ...pickup, index: clampIndex(pickup.column, pickup.index - 1) };
    else if (e.key === 'ArrowDown') next = { ...pickup, index: clampIndex(pickup.column, pickup.index + 1) };
    else if (e.key === 'ArrowLeft' && pickup.column > 0) next = { ...pickup, column: pickup.column - 1, index: clampIndex(pickup.column - 1, pickup.index) };
    else if (e.key === 'ArrowRight' && pickup.column < columns.length - 1) next = { ...pickup, column: pickup.column + 1, index: clampIndex(pickup.column + 1, pickup.index) };
    if (next) {
      e.preventDefault();
      setPickup(next);
      announce(`${task.title}: ${describe(next)}.`);
      return;
    }
    if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      const column = columns[pickup.column];
      setPickup(null);
      setFocusId(task.id);
      if (column) {
        requestMove(task, column, pickup.index);
        announce(`Dropped ${task.title} in ${column.name}, position ${pickup.index + 1}.`);
      }
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setPickup(null);
      setFocusId(task.id);
      announce(`Move cancelled. ${task.title} is back in ${columns[pickup.originColumn]?.name ?? 'its column'}.`);
    }
  }

  // What each column shows: its visible tasks, with a picked-up card lifted out and placed at its preview slot.
  function shownIn(columnIndex: number, column: BoardColumn): Task[] {
    if (!pickup) return visible.get(column.id) ?? [];
    const picked = [...all.values()].flat().find((t) => t.id === pickup.taskId);
    const list = visibleWithout(column.id, pickup.taskId);
    if (picked && pickup.column === columnIndex) list.splice(pickup.index, 0, picked);
    return list;
  }

  function onDragOver(e: DragEvent<HTMLUListElement>, column: BoardColumn) {
    if (!dragId) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    const others = visibleWithout(column.id, dragId);
    let index = 0;
    for (const t of others) {
      const rect = cards.current.get(t.id)?.getBoundingClientRect();
      if (rect && e.clientY > rect.top + rect.height / 2) index++;
    }
    if (dropAt?.column !== column.id || dropAt.index !== index) setDropAt({ column: column.id, index });
  }

  function onDrop(e: DragEvent<HTMLUListElement>, column: BoardColumn) {
    e.preventDefault();
    const task = [...all.values()].flat().find((t) => t.id === dragId);
    const index = dropAt?.column === column.id ? dropAt.index : visibleWithout(column.id, dragId ?? '').length;
    setDragId(null);
    setDropAt(null);
    if (task) requestMove(task, column, index);
  }

  return (
    <div className={`${styles.board} ${lane ? styles.laneBoard : ''}`} data-testid={lane ? 'task-lane-board' : 'task-board'}>
      {columns.map((column, ci) => {
        const shown = shownIn(ci, column);
        const total = (all.get(column.id) ?? []).length;
        return (
          <section key={column.id} className={styles.column} aria-labelledby={`col-${column.id}`} data-testid="board-column" data-column-key={column.key}>
            <header className={styles.columnHeader}>
              <h2 id={`col-${column.id}`} className={styles.columnTitle}>
                {column.name}
              </h2>
              <span className={styles.count} aria-label={lane ? `${shown.length} tasks` : `${shown.length} of ${total} tasks shown`}>
                {lane || shown.length === total ? shown.length : `${shown.length}/${total}`}
              </span>
            </header>
            <ul
              className={`${styles.list} ${dropAt?.column === column.id ? styles.dropTarget : ''}`}
              onDragOver={(e) => onDragOver(e, column)}
              onDragLeave={(e) => {
                if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setDropAt(null);
              }}
              onDrop={(e) => onDrop(e, column)}
            >
              {shown.map((task, i) => (
                <CardSlot key={task.id} marker={dropAt?.column === column.id && dropAt.index === i && dragId !== null}>
                  <TaskCard
                    task={task}
                    cardRef={(el) => {
                      if (el) cards.current.set(task.id, el);
                      else cards.current.delete(task.id);
                    }}
                    canWrite={canWrite}
                    picked={pickup?.taskId === task.id}
                    dragging={dragId === task.id}
                    position={`${column.name}, ${i + 1} of ${shown.length}`}
                    showSource={!lane}
                    onOpen={() => {
                      setPickup(null);
                      onOpen(task);
                    }}
                    onKeyDown={(e) => onCardKey(e, task, ci, i)}
                    onDragStart={(e) => {
                      e.dataTransfer.setData('text/plain', task.id);
                      e.dataTransfer.effectAllowed = 'move';
                      setPickup(null);
                      setDragId(task.id);
                    }}
                    onDragEnd={() => {
                      setDragId(null);
                      setDropAt(null);
                    }}
                  />
                </CardSlot>
              ))}
              {dropAt?.column === column.id && dropAt.index >= shown.filter((t) => t.id !== dragId).length && dragId !== null && (
                <li className={styles.marker} aria-hidden="true" />
              )}
            </ul>
            {canWrite && !lane && <AddTask column={column} onCreate={onCreate} />}
          </section>
        );
      })}
    </div>
  );
}

function CardSlot({ marker, children }: { marker: boolean; children: ReactNode }) {
  return (
    <>
      {marker && <li className={styles.marker} aria-hidden="true" />}
      {children}
    </>
  );
}

function AddTask({ column, onCreate }: { column: BoardColumn; onCreate: (column: BoardColumn, title: string) => Promise<boolean> }) {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  if (!open) {
    return (
      <button type="button" className={`btn btn-sm btn-ghost ${styles.addTask}`} onClick={() => setOpen(true)}>
        <Icon name="plus" size={15} /> Add task
      </button>
    );
  }
  return (
    <form
      className={styles.addForm}
      onSubmit={async (e) => {
        e.preventDefault();
        if (!title.trim()) return;
        setBusy(true);
        const ok = await onCreate(column, title.trim());
        setBusy(false);
        if (ok) setTitle('');
      }}
    >
      <input
        className="input input-sm"
        aria-label={`New task in ${column.name}`}
        placeholder="What needs doing?"
        value={title}
        aria-invalid={tooLong(title, LIMITS.taskTitle)}
        autoFocus
        onChange={(e) => setTitle(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setOpen(false);
        }}
      />
      <LengthHint value={title} max={LIMITS.taskTitle} label="Title" />
      <span className="form-actions">
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => setOpen(false)}>
          Cancel
        </button>
        <button type="submit" className="btn btn-sm btn-primary" disabled={busy || !title.trim() || tooLong(title, LIMITS.taskTitle)}>
          Add
        </button>
      </span>
    </form>
  );
}
