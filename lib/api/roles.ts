import { defineOperation } from '@/lib/http/operation';
import { pageSchema } from '@/lib/http/pagination';
import { createRoleSchema, roleSchema, updateRoleSchema } from '@/lib/tenancy/roles';
import { idParams } from './common';

export const listRolesOp = defineOperation({
  id: 'listRoles',
  method: 'GET',
  path: '/api/v1/roles',
  summary: 'List built-in and custom roles',
  tag: 'roles',
  auth: 'tenant',
  permission: 'members:read',
  response: pageSchema(roleSchema),
});

export const createRoleOp = defineOperation({
  id: 'createRole',
  method: 'POST',
  path: '/api/v1/roles',
  summary: 'Create a custom role from permissions you hold',
  tag: 'roles',
  auth: 'tenant',
  permission: 'roles:manage',
  body: createRoleSchema,
  response: roleSchema,
  status: 201,
});

export const updateRoleOp = defineOperation({
  id: 'updateRole',
  method: 'PATCH',
  path: '/api/v1/roles/{id}',
  summary: 'Change a custom role',
  tag: 'roles',
  auth: 'tenant',
  permission: 'roles:manage',
  params: idParams,
  body: updateRoleSchema,
  response: roleSchema,
});

export const deleteRoleOp = defineOperation({
  id: 'deleteRole',
  method: 'DELETE',
  path: '/api/v1/roles/{id}',
  summary: 'Delete a custom role that nobody holds',
  tag: 'roles',
  auth: 'tenant',
  permission: 'roles:manage',
  params: idParams,
});
