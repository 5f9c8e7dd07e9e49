import { defineOperation } from '@/lib/http/operation';
import { pageSchema } from '@/lib/http/pagination';
import { mapScimGroupSchema, scimGroupMappingSchema, scimSettingsSchema, updateScimSettingsSchema } from '@/lib/scim/settings';
import { createdScimTokenSchema, createScimTokenSchema, scimTokenSchema } from '@/lib/scim/tokens';
import { idParams } from './common';

// Managing SCIM provisioning (the SCIM protocol itself is served at /api/scim/v2 with a SCIM token).

export const getScimSettingsOp = defineOperation({
  id: 'getScimSettings',
  method: 'GET',
  path: '/api/v1/settings/scim',
  summary: 'SCIM provisioning: the base URL for the identity provider, the default role and the group → role mappings',
  tag: 'settings',
  auth: 'tenant',
  permission: 'settings:manage',
  response: scimSettingsSchema,
});

export const updateScimSettingsOp = defineOperation({
  id: 'updateScimSettings',
  method: 'PATCH',
  path: '/api/v1/settings/scim',
  summary: 'Set the role of new SCIM members (and of members none of whose groups is mapped). Never the owner role (422).',
  tag: 'settings',
  auth: 'tenant',
  permission: 'settings:manage',
  body: updateScimSettingsSchema,
  response: scimSettingsSchema,
});

export const mapScimGroupOp = defineOperation({
  id: 'mapScimGroup',
  method: 'PATCH',
  path: '/api/v1/settings/scim/groups/{id}',
  summary:
    "Map a SCIM group to a role (or remove the mapping with null). Members' roles follow at once: the most privileged role mapped from their groups, else the default role; owners are never changed.",
  tag: 'settings',
  auth: 'tenant',
  permission: 'settings:manage',
  params: idParams,
  body: mapScimGroupSchema,
  response: scimGroupMappingSchema,
});

export const listScimTokensOp = defineOperation({
  id: 'listScimTokens',
  method: 'GET',
  path: '/api/v1/settings/scim/tokens',
  summary: 'List SCIM tokens (never their secrets), newest first',
  tag: 'settings',
  auth: 'tenant',
  permission: 'settings:manage',
  response: pageSchema(scimTokenSchema),
});

export const createScimTokenOp = defineOperation({
  id: 'createScimToken',
  method: 'POST',
  path: '/api/v1/settings/scim/tokens',
  summary: 'Create a SCIM bearer token for an identity provider; the token is returned once',
  tag: 'settings',
  auth: 'tenant',
  permission: 'settings:manage',
  body: createScimTokenSchema,
  response: createdScimTokenSchema,
  status: 201,
});

export const revokeScimTokenOp = defineOperation({
  id: 'revokeScimToken',
  method: 'DELETE',
  path: '/api/v1/settings/scim/tokens/{id}',
  summary: 'Revoke a SCIM token: the identity provider gets 401 from its next request on',
  tag: 'settings',
  auth: 'tenant',
  permission: 'settings:manage',
  params: idParams,
  response: scimTokenSchema,
});
