'use client';

import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Icon } from '@/components/icons';
import { useCan, useMe } from '@/components/shell/me-context';
import { useToast } from '@/components/toast';
import { Alert, PageHeader, Spinner } from '@/components/ui';
import { useEventStream, type ConnectionState } from '@/lib/realtime/browser-stream';
import { rankBetween } from '@/lib/tasks/rank';
import type { BoardColumn, Task } from '@/lib/tasks/schemas';
import { errorMessage } from '@/lib/ui/api';
import { pluralize } from '@/lib/ui/format';
import type { Member } from '@/lib/ui/types';
import { BoardView, type MoveRequest } from './board-view';
import { ColumnEditor } from './column-editor';
import { createTask, patchTask } from './task-api';
import { TaskDrawer, type AssigneeOption } from './task-drawer';
import { SourceFilter, sourceKeyOf, sourcesOf } from './source-filter';
import { compareRank, loadBoard, useBoardState } from './use-board';
import styles from './tasks.module.css';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Reconnecting…',
};

function isTaskPayload(data: unknown): data is { task: Task } {
  if (typeof data !== 'object' || data === null) return false;
  const task: unknown = Reflect.get(data, 'task');
  return typeof task === 'object' && task !== null && typeof Reflect.get(task, 'id') === 'string';
}

function isDeletion(data: unknown): data is { id: string; version: number } {
  return typeof data === 'object' && data !== null && typeof Reflect.get(data, 'id') === 'string' && typeof Reflect.get(data, 'version') === 'number';
}

function isColumns(data: unknown): data is { columns: BoardColumn[] } {
  return typeof data === 'object' && data !== null && Array.isArray(Reflect.get(data, 'columns'));
}

// A local rank for the optimistic move; the server computes the real one.
function optimisticRank(before: Task | null, after: Task | null, fallback: string): string {
  try {
    return rankBetween(before?.rank ?? null, after?.rank ?? null);
  } catch {
    return fallback;
  }
}

const GROUPING_KEY = 'reflex.board.groupBySource';

export interface BoardFilters {
  // A source document id, "none" (added by hand), or '' for all.
  document: string;
  assignee: string;
  // A task to open once the board has loaded (a link from the dashboard).
  task: string | null;
}

export function TaskBoard({ initial }: { initial: BoardFilters }) {
  const me = useMe();
  const can = useCan();
  const toast = useToast();
  const canWrite = can('tasks:write');
  const canRead = can('tasks:read');
  const { state, load, upsert, force, remove, setColumns } = useBoardState();
  const [members, setMembers] = useState<Member[] | null>(null);
  const [resumeFrom, setResumeFrom] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(initial.task);
  const [editingColumns, setEditingColumns] = useState(false);
  const [assigneeFilter, setAssigneeFilter] = useState(initial.assignee);
  const [labelFilter, setLabelFilter] = useState('');
  const [sourceFilter, setSourceFilter] = useState(initial.document);
  const [grouped, setGrouped] = useState(false);

  // The grouping is a personal preference of this browser.
  useEffect(() => {
    // Reading the stored preference after hydration is what this effect is for.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setGrouped(window.localStorage.getItem(GROUPING_KEY) === '1');
  }, []);
  const setGrouping = (on: boolean) => {
    setGrouped(on);
    window.localStorage.setItem(GROUPING_KEY, on ? '1' : '0');
  };
  const [announcement, setAnnouncement] = useState('');

  const reload = useCallback(async () => {
    try {
      const snapshot = await loadBoard(can('members:read'));
      load(snapshot.columns, snapshot.tasks);
      setMembers(snapshot.members);
      setResumeFrom((current) => current ?? snapshot.lastEventId);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
    // `can` is derived from `me`, which is stable for the page's life.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [load]);

  useEffect(() => {
    if (!canRead) return;
    // Loading on mount is the point of this effect; state updates land after the requests resolve.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void reload();
  }, [canRead, reload]);

  const onTask = (data: unknown) => {
    if (isTaskPayload(data)) upsert(data.task);
  };
  const connection = useEventStream(
    {
      'task.created': onTask,
      'task.updated': onTask,
      'task.moved': onTask,
      'task.deleted': (data) => {
        if (isDeletion(data)) remove(data.id, data.version);
      },
      'board.columns': (data) => {
        if (isColumns(data)) setColumns(data.columns);
      },
      // Our Last-Event-ID is older than the server keeps: what we show may be incomplete, so read it again.
      reset: () => void reload(),
    },
    canRead ? resumeFrom : null,
  );

  const tasks = useMemo(() => Object.values(state.tasks).sort(compareRank), [state.tasks]);
  const labels = useMemo(() => [...new Set(tasks.flatMap((t) => t.labels))].sort((a, b) => a.localeCompare(b)), [tasks]);
  const assignees: AssigneeOption[] = useMemo(() => {
    const byId = new Map<string, string>();
    for (const m of members ?? []) byId.set(m.userId, m.name);
    for (const t of tasks) if (t.assignee) byId.set(t.assignee.id, t.assignee.name);
    if (me.user) byId.set(me.user.id, me.user.name);
    return [...byId].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  }, [members, tasks, me.user]);

  const sources = useMemo(() => sourcesOf(tasks), [tasks]);

  const { all, visible, counts } = useMemo(() => {
    const allMap = new Map<string, Task[]>();
    const visibleMap = new Map<string, Task[]>();
    const countMap = new Map<string, number>();
    const matches = (t: Task) =>
      (assigneeFilter === '' ||
        (assigneeFilter === 'none' ? t.assigneeId === null : assigneeFilter === 'me' ? t.assigneeId === me.user?.id : t.assigneeId === assigneeFilter)) &&
      (labelFilter === '' || t.labels.includes(labelFilter)) &&
      (sourceFilter === '' || sourceKeyOf(t) === sourceFilter);
    for (const c of state.columns) {
      const inColumn = tasks.filter((t) => t.columnId === c.id);
      allMap.set(c.id, inColumn);
      visibleMap.set(c.id, inColumn.filter(matches));
      countMap.set(c.id, inColumn.length);
    }
    return { all: allMap, visible: visibleMap, counts: countMap };
  }, [state.columns, tasks, assigneeFilter, labelFilter, sourceFilter, me.user?.id]);

  // Lanes of a grouped board: the visible tasks of each source, in the same columns.
  const lanes = useMemo(() => {
    if (!grouped) return [];
    return sources
      .filter((s) => sourceFilter === '' || s.key === sourceFilter)
      .map((source) => {
        const laneVisible = new Map<string, Task[]>();
        for (const [columnId, list] of visible) laneVisible.set(columnId, list.filter((t) => sourceKeyOf(t) === source.key));
        return { source, visible: laneVisible, shown: [...laneVisible.values()].reduce((n, l) => n + l.length, 0) };
      })
      .filter((l) => l.shown > 0);
  }, [grouped, sources, sourceFilter, visible]);

  async function move({ task, column, position, before, after }: MoveRequest) {
    force({ ...task, columnId: column.id, status: column.key, rank: optimisticRank(before, after, task.rank) });
    try {
      const result = await patchTask(task, { status: column.key, position });
      upsert(result.task);
      if (result.kind === 'conflict') toast(result.message, 'info');
    } catch (err) {
      force(task);
      toast(errorMessage(err), 'error');
    }
  }

  async function create(column: BoardColumn, title: string): Promise<boolean> {
    try {
      upsert(await createTask({ title, status: column.key }));
      return true;
    } catch (err) {
      toast(errorMessage(err), 'error');
      return false;
    }
  }

  const open = openId ? state.tasks[openId] : undefined;
  const header = (
    <PageHeader
      title="Tasks"
      description="Action items from your documents and your team, on one board that updates live."
      actions={
        can('settings:manage') && state.columns.length > 0 ? (
          <button type="button" className="btn btn-secondary" onClick={() => setEditingColumns(true)}>
            Edit columns
          </button>
        ) : undefined
      }
    />
  );

  if (!canRead) {
    return (
      <>
        {header}
        <Alert tone="warning" title="No access">
          Viewing the task board needs the tasks:read permission.
        </Alert>
      </>
    );
  }

  return (
    <>
      {header}
      <div className={styles.toolbar}>
        <div className={styles.filter}>
          <label htmlFor="filter-assignee">Assignee</label>
          <select id="filter-assignee" className="input input-sm select" value={assigneeFilter} onChange={(e) => setAssigneeFilter(e.target.value)}>
            <option value="">Everyone</option>
            <option value="me">Assigned to me</option>
            <option value="none">Unassigned</option>
            {assignees.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div className={styles.filter}>
          <label htmlFor="filter-label">Label</label>
          <select id="filter-label" className="input input-sm select" value={labelFilter} onChange={(e) => setLabelFilter(e.target.value)}>
            <option value="">Any label</option>
            {labels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <label className={styles.groupToggle}>
          <input type="checkbox" checked={grouped} onChange={(e) => setGrouping(e.target.checked)} data-testid="group-by-source" />
          Group by document
        </label>
        <span className={styles.grow} />
        <span
          className={`${styles.connection} ${connection === 'live' ? styles.live : styles.waiting}`}
          role="status"
          data-testid="connection-state"
          data-state={connection}
          title={connection === 'live' ? 'Changes by others appear as they happen' : 'Missed changes will be caught up on reconnect'}
        >
          <span className={styles.dot} aria-hidden="true" />
          {CONNECTION_TEXT[connection]}
        </span>
      </div>
      <p id="task-board-instructions" className="sr-only">
        Press Space to pick up a task, the arrow keys to move it between positions and columns, Space to drop it and Escape to cancel. Press Enter
        to open a task.
      </p>
      <div className="sr-only" aria-live="assertive" aria-atomic="true" data-testid="board-announcer">
        {announcement}
      </div>
      <SourceFilter sources={sources} value={sourceFilter} onChange={setSourceFilter} />
      {error && <Alert tone="error">{error}</Alert>}
      {loading ? (
        <Spinner label="Loading the board" />
      ) : grouped && tasks.length > 0 ? (
        <div className={styles.lanes}>
          {lanes.length === 0 && <p className="muted">No tasks match these filters.</p>}
          {lanes.map((l) => (
            <section key={l.source.key} className={styles.lane} aria-label={l.source.title} data-testid="task-lane">
              <header className={styles.laneHeader}>
                <Icon name={l.source.documentId ? 'file' : 'edit'} size={15} />
                {l.source.documentId ? (
                  <Link href={`/app/documents/${l.source.documentId}`} className={styles.laneTitle} title={l.source.title}>
                    {l.source.title}
                  </Link>
                ) : (
                  <span className={styles.laneTitle}>{l.source.title}</span>
                )}
                <span className="muted small">{pluralize(l.shown, 'task')}</span>
              </header>
              <BoardView
                lane
                columns={state.columns}
                all={all}
                visible={l.visible}
                canWrite={canWrite}
                onMove={(m) => void move(m)}
                onOpen={(t) => setOpenId(t.id)}
                onCreate={create}
                announce={setAnnouncement}
              />
            </section>
          ))}
        </div>
      ) : (
        <BoardView
          columns={state.columns}
          all={all}
          visible={visible}
          canWrite={canWrite}
          onMove={(m) => void move(m)}
          onOpen={(t) => setOpenId(t.id)}
          onCreate={create}
          announce={setAnnouncement}
        />
      )}
      {open && (
        <TaskDrawer
          key={open.id}
          task={open}
          columns={state.columns}
          assignees={assignees}
          canWrite={canWrite}
          onClose={() => setOpenId(null)}
          onSaved={upsert}
          onDeleted={(t) => {
            remove(t.id, t.version);
            setOpenId(null);
            toast('Task deleted');
          }}
        />
      )}
      {editingColumns && <ColumnEditor columns={state.columns} taskCounts={counts} onClose={() => setEditingColumns(false)} onSaved={setColumns} />}
    </>
  );
}
