import type { Task } from '@/lib/tasks/schemas';
import { LIMITS } from '@/lib/validation/text';
import type { SyncedField } from '@/lib/integrations/task-outbox';
import type { AsanaTask, AsanaTaskWrite } from './api';

// The synced fields of a task in one comparable shape. `assignee` is an email (lowercase), `column` a board column id.
export interface SyncState {
  title: string;
  description: string;
  dueDate: string | null;
  assignee: string | null;
  column: string | null;
}

// createTaskSchema / updateTaskSchema's limit for a description.
const MAX_DESCRIPTION = 20_000;

export const SYNCED_FIELDS: readonly SyncedField[] = ['title', 'description', 'dueDate', 'assignee', 'column'];

export interface ProjectMapping {
  projectGid: string;
  sectionMap: Record<string, string>;
  doneColumnId: string | null;
}

export function fromReflex(task: Task): SyncState {
  return {
    title: task.title,
    description: task.description,
    dueDate: task.dueDate,
    assignee: task.assignee?.email.toLowerCase() ?? null,
    column: task.columnId,
  };
}

export function sectionOf(task: AsanaTask, projectGid: string): string | null {
  return task.memberships?.find((m) => m.project.gid === projectGid)?.section?.gid ?? null;
}

export function inProject(task: AsanaTask, projectGid: string): boolean {
  return (task.memberships ?? []).some((m) => m.project.gid === projectGid);
}

// A completed Asana task sits in the "done" column; otherwise its section says where. A section no column maps to
// keeps the column the task had (`fallbackColumn`).
export function fromAsana(task: AsanaTask, mapping: ProjectMapping, fallbackColumn: string | null): SyncState {
  const section = sectionOf(task, mapping.projectGid);
  const bySection = Object.entries(mapping.sectionMap).find(([, s]) => s === section)?.[0] ?? null;
  const column = task.completed && mapping.doneColumnId ? mapping.doneColumnId : (bySection ?? fallbackColumn);
  // Compared and stored within Reflex's own limits, so an over-long Asana name is clipped once, not fought over.
  return {
    title: task.name.slice(0, LIMITS.taskTitle),
    description: (task.notes ?? '').slice(0, MAX_DESCRIPTION),
    dueDate: task.due_on ?? null,
    assignee: task.assignee?.email?.toLowerCase() ?? null,
    column,
  };
}

// What to send Asana for the given target state: only the fields that differ from what Asana has.
export function asanaWrite(target: SyncState, current: SyncState | null, mapping: ProjectMapping): { fields: AsanaTaskWrite; section: string | null } {
  const fields: AsanaTaskWrite = {};
  if (!current || target.title !== current.title) fields.name = target.title;
  if (!current || target.description !== current.description) fields.notes = target.description;
  if (!current || target.dueDate !== current.dueDate) fields.due_on = target.dueDate;
  if (!current || target.assignee !== current.assignee) fields.assignee = target.assignee;
  let section: string | null = null;
  if (!current || target.column !== current.column) {
    if (mapping.doneColumnId) fields.completed = target.column === mapping.doneColumnId;
    section = target.column ? (mapping.sectionMap[target.column] ?? null) : null;
  }
  return { fields, section };
}

export interface FieldDecision {
  field: SyncedField;
  winner: 'reflex' | 'asana';
  value: unknown;
  loser: 'reflex' | 'asana' | null;
  losingValue: unknown;
}

// Last writer wins, field by field. A side whose value differs from the last agreed value (`synced`) changed that
// field; when both did, to different values, the later change wins: Reflex's per-field time against Asana's
// modified_at (Asana gives no per-field times; its whole-task time is the best it says).
export function reconcileFields(
  synced: Partial<SyncState>,
  reflex: SyncState,
  asana: SyncState,
  reflexChangedAt: Record<string, string>,
  asanaModifiedAt: string,
): { target: SyncState; conflicts: FieldDecision[] } {
  const target: SyncState = { ...reflex };
  const conflicts: FieldDecision[] = [];
  for (const field of SYNCED_FIELDS) {
    const r = reflex[field];
    const a = asana[field];
    if (r === a) continue;
    const base = field in synced ? synced[field] : undefined;
    const reflexChanged = r !== base;
    const asanaChanged = a !== base;
    let winner: 'reflex' | 'asana';
    if (reflexChanged && !asanaChanged) winner = 'reflex';
    else if (asanaChanged && !reflexChanged) winner = 'asana';
    else {
      const at = reflexChangedAt[field];
      winner = at !== undefined && Date.parse(at) > Date.parse(asanaModifiedAt) ? 'reflex' : 'asana';
      conflicts.push({ field, winner, value: winner === 'reflex' ? r : a, loser: winner === 'reflex' ? 'asana' : 'reflex', losingValue: winner === 'reflex' ? a : r });
    }
    if (winner === 'asana') assign(target, field, a);
  }
  return { target, conflicts };
}

function assign(state: SyncState, field: SyncedField, value: string | null): void {
  if (field === 'title' || field === 'description') state[field] = value ?? '';
  else state[field] = value;
}
