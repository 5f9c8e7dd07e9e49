import { z } from 'zod';
import { defineOperation } from '@/lib/http/operation';
import { pageSchema } from '@/lib/http/pagination';
import { memberSchema, updateMemberSchema } from '@/lib/tenancy/members';
import { idParams, listQuery } from './common';

export const listMembersOp = defineOperation({
  id: 'listMembers',
  method: 'GET',
  path: '/api/v1/members',
  summary: 'List members of the organization',
  tag: 'members',
  auth: 'tenant',
  permission: 'members:read',
  query: listQuery,
  response: pageSchema(memberSchema),
});

export const updateMemberOp = defineOperation({
  id: 'updateMember',
  method: 'PATCH',
  path: '/api/v1/members/{id}',
  summary: "Change a member's role",
  tag: 'members',
  auth: 'tenant',
  permission: 'members:manage',
  params: idParams,
  body: updateMemberSchema,
  response: memberSchema,
});

export const removeMemberOp = defineOperation({
  id: 'removeMember',
  method: 'DELETE',
  path: '/api/v1/members/{id}',
  summary: 'Remove a member; their access ends at once',
  tag: 'members',
  auth: 'tenant',
  permission: 'members:manage',
  params: idParams,
});

export const revokeMemberSessionsOp = defineOperation({
  id: 'revokeMemberSessions',
  // Security never waits for an invoice.
  whenSuspended: 'allow',
  method: 'POST',
  path: '/api/v1/members/{id}/revoke-sessions',
  summary: "Sign a member out of every browser session",
  tag: 'members',
  auth: 'tenant',
  permission: 'members:manage',
  params: idParams,
  response: z.object({ revoked: z.number().int() }),
});

export const resetMemberMfaOp = defineOperation({
  id: 'resetMemberMfa',
  method: 'POST',
  path: '/api/v1/members/{id}/reset-mfa',
  summary:
    "Owners only: remove a member's two-factor authentication (lost authenticator and backup codes) and end their " +
    'sessions. Audited. 409 when the account also belongs to another organization (an operator resets those).',
  tag: 'members',
  auth: 'tenant',
  permission: 'members:manage',
  params: idParams,
  response: z.object({ sessionsRevoked: z.number().int() }),
});
