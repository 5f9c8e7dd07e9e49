import { defineOperation } from '@/lib/http/operation';
import { pageSchema } from '@/lib/http/pagination';
import { apiKeySchema, createApiKeySchema, createdApiKeySchema } from '@/lib/tenancy/api-keys';
import { idParams, listQuery } from './common';

export const listApiKeysOp = defineOperation({
  id: 'listApiKeys',
  method: 'GET',
  path: '/api/v1/api-keys',
  summary: 'List API keys (never their secrets)',
  tag: 'api-keys',
  auth: 'tenant',
  permission: 'apikeys:manage',
  query: listQuery,
  response: pageSchema(apiKeySchema),
});

export const createApiKeyOp = defineOperation({
  id: 'createApiKey',
  method: 'POST',
  path: '/api/v1/api-keys',
  summary:
    "Create an API key scoped to permissions you hold; the secret is returned once. A key created with an API key cannot outlive it: its expiry defaults to the creating key's and may not be later (422), and revoking the creating key revokes it.",
  tag: 'api-keys',
  auth: 'tenant',
  permission: 'apikeys:manage',
  body: createApiKeySchema,
  response: createdApiKeySchema,
  status: 201,
});

export const revokeApiKeyOp = defineOperation({
  id: 'revokeApiKey',
  // Security never waits for an invoice.
  whenSuspended: 'allow',
  method: 'DELETE',
  path: '/api/v1/api-keys/{id}',
  summary: 'Revoke an API key immediately, and every key created with it (and theirs)',
  tag: 'api-keys',
  auth: 'tenant',
  permission: 'apikeys:manage',
  params: idParams,
  response: apiKeySchema,
});
