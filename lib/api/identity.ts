import { z } from 'zod';
import { defineOperation } from '@/lib/http/operation';
import { sessionSchema } from '@/lib/auth/sessions';
import { meSchema } from '@/lib/tenancy/me';
import { acceptInvitationSchema } from '@/lib/tenancy/invitations';
import { createTenantSchema, switchTenantSchema, tenantSummarySchema } from '@/lib/tenancy/tenants';
import { okSchema } from './common';

export const getMeOp = defineOperation({
  id: 'getMe',
  method: 'GET',
  path: '/api/v1/me',
  summary: 'Who am I: the user or API key, its organization(s) and permissions',
  tag: 'identity',
  auth: 'user',
  response: meSchema,
});

export const listMySessionsOp = defineOperation({
  id: 'listMySessions',
  method: 'GET',
  path: '/api/v1/me/sessions',
  summary: 'The signed-in user\'s sessions (browser, address, last activity), the current one marked',
  tag: 'identity',
  auth: 'user',
  response: z.object({ items: z.array(sessionSchema) }),
});

export const signOutEverywhereOp = defineOperation({
  id: 'signOutEverywhere',
  method: 'DELETE',
  path: '/api/v1/me/sessions',
  summary: 'Sign out everywhere: revoke every session of the signed-in user',
  tag: 'identity',
  auth: 'user',
  response: okSchema,
});

export const switchTenantOp = defineOperation({
  id: 'switchTenant',
  method: 'POST',
  path: '/api/v1/me/tenant',
  summary: 'Switch the active organization of this browser session',
  tag: 'identity',
  auth: 'user',
  body: switchTenantSchema,
  response: tenantSummarySchema,
});

export const createTenantOp = defineOperation({
  id: 'createTenant',
  method: 'POST',
  path: '/api/v1/tenants',
  summary:
    'Create an organization owned by the signed-in user and switch to it. 422 limit_reached once the account belongs to MAX_ORGANIZATIONS_PER_USER organizations (default 10).',
  tag: 'identity',
  auth: 'user',
  body: createTenantSchema,
  response: tenantSummarySchema,
  status: 201,
});

export const acceptInvitationOp = defineOperation({
  id: 'acceptInvitation',
  method: 'POST',
  path: '/api/v1/invitations/accept',
  summary: 'Accept an invitation as the signed-in user (the email must match). 422 limit_reached once the account belongs to MAX_ORGANIZATIONS_PER_USER organizations.',
  tag: 'identity',
  auth: 'user',
  body: acceptInvitationSchema,
  response: z.object({ tenantId: z.uuid() }),
});
