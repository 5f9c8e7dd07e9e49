import { scimNotFound } from './errors';
import { MAX_PATCH_OPERATIONS } from './patch';
import { GROUP_SCHEMA, listResponse, MAX_PAGE_SIZE, USER_SCHEMA } from './resources';

// The discovery endpoints (RFC 7644 §4): what this server supports, said the way identity providers read it.

const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [SPC_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      { type: 'oauthbearertoken', name: 'Bearer token', description: `A SCIM token created in the organization's security settings. At most ${MAX_PATCH_OPERATIONS} PATCH operations per request.`, primary: true },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

function attribute(name: string, type: string, extra: Record<string, unknown> = {}) {
  return { name, type, multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...extra };
}

const USER_ATTRIBUTES = [
  attribute('userName', 'string', { required: true, uniqueness: 'server' }),
  attribute('externalId', 'string', { caseExact: true }),
  attribute('name', 'complex', {
    subAttributes: [attribute('givenName', 'string'), attribute('familyName', 'string'), attribute('formatted', 'string')],
  }),
  attribute('displayName', 'string'),
  attribute('active', 'boolean'),
  attribute('emails', 'complex', {
    multiValued: true,
    mutability: 'immutable',
    description: 'The email of the Reflex account; set when the account is created, never changed through SCIM',
    subAttributes: [attribute('value', 'string'), attribute('type', 'string'), attribute('primary', 'boolean')],
  }),
  attribute('groups', 'complex', { multiValued: true, mutability: 'readOnly', subAttributes: [attribute('value', 'string'), attribute('display', 'string')] }),
];

const GROUP_ATTRIBUTES = [
  attribute('displayName', 'string', { required: true, uniqueness: 'server' }),
  attribute('externalId', 'string', { caseExact: true }),
  attribute('members', 'complex', { multiValued: true, subAttributes: [attribute('value', 'string', { mutability: 'immutable' }), attribute('display', 'string', { mutability: 'readOnly' })] }),
];

function schemaResources(baseUrl: string) {
  return [
    { schemas: [SCHEMA_SCHEMA], id: USER_SCHEMA, name: 'User', description: 'A member of the organization', attributes: USER_ATTRIBUTES, meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${USER_SCHEMA}` } },
    { schemas: [SCHEMA_SCHEMA], id: GROUP_SCHEMA, name: 'Group', description: 'A group, optionally mapped to a role', attributes: GROUP_ATTRIBUTES, meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${GROUP_SCHEMA}` } },
  ];
}

function resourceTypeResources(baseUrl: string) {
  return [
    { schemas: [RESOURCE_TYPE_SCHEMA], id: 'User', name: 'User', endpoint: '/Users', schema: USER_SCHEMA, meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` } },
    { schemas: [RESOURCE_TYPE_SCHEMA], id: 'Group', name: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA, meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` } },
  ];
}

export function listSchemas(baseUrl: string) {
  const all = schemaResources(baseUrl);
  return listResponse(all, all.length, 1);
}

export function getSchema(baseUrl: string, id: string) {
  const found = schemaResources(baseUrl).find((s) => s.id.toLowerCase() === id.toLowerCase());
  if (!found) throw scimNotFound('Schema', id);
  return found;
}

export function listResourceTypes(baseUrl: string) {
  const all = resourceTypeResources(baseUrl);
  return listResponse(all, all.length, 1);
}

export function getResourceType(baseUrl: string, id: string) {
  const found = resourceTypeResources(baseUrl).find((r) => r.id.toLowerCase() === id.toLowerCase());
  if (!found) throw scimNotFound('ResourceType', id);
  return found;
}
