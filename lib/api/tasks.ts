import { defineOperation } from '@/lib/http/operation';
import { pageSchema } from '@/lib/http/pagination';
import {
  columnListSchema,
  createTaskSchema,
  listTasksQuery,
  putColumnsSchema,
  taskSchema,
  updateTaskSchema,
} from '@/lib/tasks/schemas';
import { idParams } from './common';

export const listTasksOp = defineOperation({
  id: 'listTasks',
  method: 'GET',
  path: '/api/v1/tasks',
  summary: 'List tasks, newest first, filtered by status (column key), assignee or label',
  tag: 'tasks',
  auth: 'tenant',
  permission: 'tasks:read',
  query: listTasksQuery,
  response: pageSchema(taskSchema),
});

export const createTaskOp = defineOperation({
  id: 'createTask',
  method: 'POST',
  path: '/api/v1/tasks',
  summary: 'Create a task (at the end of its column unless a position is given)',
  tag: 'tasks',
  auth: 'tenant',
  permission: 'tasks:write',
  body: createTaskSchema,
  response: taskSchema,
  status: 201,
});

export const getTaskOp = defineOperation({
  id: 'getTask',
  method: 'GET',
  path: '/api/v1/tasks/{id}',
  summary: 'Get a task',
  tag: 'tasks',
  auth: 'tenant',
  permission: 'tasks:read',
  params: idParams,
  response: taskSchema,
});

export const updateTaskOp = defineOperation({
  id: 'updateTask',
  method: 'PATCH',
  path: '/api/v1/tasks/{id}',
  summary: 'Edit or move a task; a stale version answers 409 with the current task in error.details.task',
  tag: 'tasks',
  auth: 'tenant',
  permission: 'tasks:write',
  params: idParams,
  body: updateTaskSchema,
  response: taskSchema,
});

export const deleteTaskOp = defineOperation({
  id: 'deleteTask',
  method: 'DELETE',
  path: '/api/v1/tasks/{id}',
  summary: 'Delete a task',
  tag: 'tasks',
  auth: 'tenant',
  permission: 'tasks:write',
  params: idParams,
});

export const listColumnsOp = defineOperation({
  id: 'listBoardColumns',
  method: 'GET',
  path: '/api/v1/board/columns',
  summary: 'The task board columns in display order (Backlog, To do, In progress, Done until changed)',
  tag: 'tasks',
  auth: 'tenant',
  permission: 'tasks:read',
  response: columnListSchema,
});

export const replaceColumnsOp = defineOperation({
  id: 'replaceBoardColumns',
  method: 'PUT',
  path: '/api/v1/board/columns',
  summary: 'Rename, add, reorder and delete board columns; a column holding tasks cannot be deleted (409)',
  tag: 'tasks',
  auth: 'tenant',
  permission: 'settings:manage',
  body: putColumnsSchema,
  response: columnListSchema,
});
