'use client';

import { useCallback, useReducer } from 'react';
import type { BoardColumn, Task } from '@/lib/tasks/schemas';
import { toApiError } from '@/lib/ui/api';
import type { Member, Page } from '@/lib/ui/types';

// Board state: columns, tasks by id, and tombstones of deleted tasks. Every write (a load, a live event, our own
// PATCH answer) goes through the same version rule, so events arriving twice or out of order are harmless.

export interface BoardState {
  columns: BoardColumn[];
  tasks: Record<string, Task>;
  tombstones: Record<string, number>;
}

type Action =
  | { type: 'load'; columns: BoardColumn[]; tasks: Task[] }
  | { type: 'upsert'; task: Task }
  | { type: 'force'; task: Task }
  | { type: 'remove'; id: string; version: number }
  | { type: 'columns'; columns: BoardColumn[] };

function isNewer(state: BoardState, task: Task): boolean {
  const dead = state.tombstones[task.id];
  if (dead !== undefined && task.version <= dead) return false;
  const current = state.tasks[task.id];
  // Strictly newer: an equal version is the state we already show (or our own optimistic edit of it).
  return !current || current.version < task.version;
}

function reduce(state: BoardState, action: Action): BoardState {
  switch (action.type) {
    case 'load':
      return { columns: action.columns, tasks: Object.fromEntries(action.tasks.map((t) => [t.id, t])), tombstones: {} };
    case 'upsert':
      return isNewer(state, action.task) ? { ...state, tasks: { ...state.tasks, [action.task.id]: action.task } } : state;
    case 'force':
      return { ...state, tasks: { ...state.tasks, [action.task.id]: action.task } };
    case 'remove': {
      const { [action.id]: _gone, ...rest } = state.tasks;
      return { ...state, tasks: rest, tombstones: { ...state.tombstones, [action.id]: Math.max(action.version, state.tombstones[action.id] ?? 0) } };
    }
    case 'columns':
      return { ...state, columns: action.columns };
  }
}

export function compareRank(a: Task, b: Task): number {
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

async function getJson<T>(path: string): Promise<{ body: T; lastEventId: string | null }> {
  const res = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) throw toApiError(res.status, parsed, res.headers.get('retry-after'));
  // The server shaped this body with the operation's response schema.
  return { body: parsed as T, lastEventId: res.headers.get('x-last-event-id') };
}

export interface BoardSnapshot {
  columns: BoardColumn[];
  tasks: Task[];
  members: Member[] | null;
  // Resume the event stream from here: every change after this snapshot is replayed.
  lastEventId: string;
}

// Columns first: its X-Last-Event-Id predates every later read, so replaying from it misses nothing.
export async function loadBoard(canListMembers: boolean): Promise<BoardSnapshot> {
  const columns = await getJson<{ items: BoardColumn[] }>('/api/v1/board/columns');
  const tasks: Task[] = [];
  let cursor: string | null = null;
  do {
    const qs: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page: { body: Page<Task> } = await getJson<Page<Task>>(`/api/v1/tasks?limit=100${qs}`);
    tasks.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  const members = canListMembers ? (await getJson<Page<Member>>('/api/v1/members?limit=100').catch(() => null))?.body.items ?? null : null;
  return { columns: columns.body.items, tasks, members, lastEventId: columns.lastEventId ?? '0' };
}

export function useBoardState() {
  const [state, dispatch] = useReducer(reduce, { columns: [], tasks: {}, tombstones: {} });
  const load = useCallback((columns: BoardColumn[], tasks: Task[]) => dispatch({ type: 'load', columns, tasks }), []);
  const upsert = useCallback((task: Task) => dispatch({ type: 'upsert', task }), []);
  // Local edits ahead of the server (an optimistic move, or undoing one): bypass the version rule.
  const force = useCallback((task: Task) => dispatch({ type: 'force', task }), []);
  const remove = useCallback((id: string, version: number) => dispatch({ type: 'remove', id, version }), []);
  const setColumns = useCallback((columns: BoardColumn[]) => dispatch({ type: 'columns', columns }), []);
  return { state, load, upsert, force, remove, setColumns };
}
