'use client';

import type { BoardColumn, Task } from '@/lib/tasks/schemas';
import { api, ApiError, toApiError } from '@/lib/ui/api';

export type TaskPatch = Partial<Pick<Task, 'title' | 'description' | 'assigneeId' | 'dueDate' | 'labels'>> & {
  status?: string;
  position?: number;
};

export type PatchResult = { kind: 'saved'; task: Task } | { kind: 'conflict'; task: Task; message: string };

function isTask(value: unknown): value is Task {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'id') === 'string' && typeof Reflect.get(value, 'version') === 'number';
}

// PATCH with optimistic concurrency: a 409 is an expected answer carrying the current task, not an error.
export async function patchTask(task: Pick<Task, 'id' | 'version'>, changes: TaskPatch): Promise<PatchResult> {
  const res = await fetch(`/api/v1/tasks/${task.id}`, {
    method: 'PATCH',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ version: task.version, ...changes }),
  });
  const body: unknown = await res.json().catch(() => null);
  if (res.ok && isTask(body)) return { kind: 'saved', task: body };
  if (res.status === 409 && typeof body === 'object' && body !== null) {
    const error: unknown = Reflect.get(body, 'error');
    const details: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'details') : null;
    const fresh: unknown = typeof details === 'object' && details !== null ? Reflect.get(details, 'task') : null;
    if (isTask(fresh)) return { kind: 'conflict', task: fresh, message: 'Someone else changed this task first. You are now seeing their version.' };
  }
  throw toApiError(res.status, body, res.headers.get('retry-after'));
}

export const createTask = (body: { title: string; status: string }) => api<Task>('/api/v1/tasks', { method: 'POST', body });

export const deleteTask = (id: string) => api<null>(`/api/v1/tasks/${id}`, { method: 'DELETE' });

export const saveColumns = (columns: { id?: string; name: string }[]) =>
  api<{ items: BoardColumn[] }>('/api/v1/board/columns', { method: 'PUT', body: { columns } });

export { ApiError };
