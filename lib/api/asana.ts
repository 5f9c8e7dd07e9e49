import { z } from 'zod';
import { defineOperation } from '@/lib/http/operation';
import { asanaChoicesSchema, asanaSetupBodySchema, asanaSetupSchema } from '@/lib/integrations/asana/setup';

const connectionParams = z.object({ connectionId: z.uuid() });
const gid = z.string().regex(/^\d{1,30}$/, 'an Asana id (digits)');

export const receiveAsanaWebhookOp = defineOperation({
  id: 'receiveAsanaWebhook',
  method: 'POST',
  path: '/api/integrations/asana/webhooks/{connectionId}',
  summary:
    "Asana's webhook for one connection. The first request (X-Hook-Secret) is the handshake and is echoed; every later " +
    'delivery must carry X-Hook-Signature (HMAC-SHA256 of the body). 401 for a bad signature, 404 for an unknown ' +
    'connection, 400 for a malformed delivery, 413 over 1 MiB; a replayed delivery is accepted and ignored.',
  tag: 'integrations',
  auth: 'none',
  params: z.object({ connectionId: z.string().max(100) }),
  response: z.object({ received: z.literal(true) }).meta({ id: 'AsanaWebhookResult' }),
});

export const getAsanaSetupOp = defineOperation({
  id: 'getAsanaSetup',
  method: 'GET',
  path: '/api/integrations/asana/connections/{connectionId}/setup',
  summary: 'The Asana project this connection syncs with, the board column ↔ section mapping and the webhook state',
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  params: connectionParams,
  response: asanaSetupSchema,
});

export const putAsanaSetupOp = defineOperation({
  id: 'updateAsanaSetup',
  method: 'PUT',
  path: '/api/integrations/asana/connections/{connectionId}/setup',
  summary:
    'Choose the workspace and project to sync and map board columns to its sections. Choosing another project ' +
    'registers a webhook on it (the app must be reachable at APP_URL over https). 422 for ids Asana does not know.',
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  params: connectionParams,
  body: asanaSetupBodySchema,
  response: asanaSetupSchema,
});

export const listAsanaWorkspacesOp = defineOperation({
  id: 'listAsanaWorkspaces',
  method: 'GET',
  path: '/api/integrations/asana/connections/{connectionId}/workspaces',
  summary: 'The Asana workspaces the connected account can see',
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  params: connectionParams,
  response: asanaChoicesSchema,
});

export const listAsanaProjectsOp = defineOperation({
  id: 'listAsanaProjects',
  method: 'GET',
  path: '/api/integrations/asana/connections/{connectionId}/projects',
  summary: 'The unarchived projects of an Asana workspace',
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  params: connectionParams,
  query: z.strictObject({ workspace: gid }),
  response: asanaChoicesSchema,
});

export const listAsanaSectionsOp = defineOperation({
  id: 'listAsanaSections',
  method: 'GET',
  path: '/api/integrations/asana/connections/{connectionId}/sections',
  summary: 'The sections of an Asana project',
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  params: connectionParams,
  query: z.strictObject({ project: gid }),
  response: asanaChoicesSchema,
});
