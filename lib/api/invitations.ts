import { defineOperation } from '@/lib/http/operation';
import { pageSchema } from '@/lib/http/pagination';
import { createdInvitationSchema, createInvitationSchema, invitationSchema } from '@/lib/tenancy/invitations';
import { idParams, listQuery } from './common';

export const listInvitationsOp = defineOperation({
  id: 'listInvitations',
  method: 'GET',
  path: '/api/v1/invitations',
  summary: 'List invitations',
  tag: 'members',
  auth: 'tenant',
  permission: 'members:read',
  query: listQuery,
  response: pageSchema(invitationSchema),
});

export const createInvitationOp = defineOperation({
  id: 'createInvitation',
  method: 'POST',
  path: '/api/v1/invitations',
  summary: 'Invite someone by email; returns the accept link once',
  tag: 'members',
  auth: 'tenant',
  permission: 'members:manage',
  body: createInvitationSchema,
  response: createdInvitationSchema,
  status: 201,
});

export const revokeInvitationOp = defineOperation({
  id: 'revokeInvitation',
  method: 'DELETE',
  path: '/api/v1/invitations/{id}',
  summary: 'Revoke a pending invitation',
  tag: 'members',
  auth: 'tenant',
  permission: 'members:manage',
  params: idParams,
  response: invitationSchema,
});

export const resendInvitationOp = defineOperation({
  id: 'resendInvitation',
  method: 'POST',
  path: '/api/v1/invitations/{id}/resend',
  summary: 'Email a pending or expired invitation again, with a new link and a new 7-day expiry (the old link stops working)',
  tag: 'members',
  auth: 'tenant',
  permission: 'members:manage',
  params: idParams,
  response: createdInvitationSchema,
});
