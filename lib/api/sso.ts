import { z } from 'zod';
import { defineOperation } from '@/lib/http/operation';
import { idParams } from '@/lib/http/route';
import { connectionViewSchema, createConnectionBodyLimit, createConnectionSchema, updateConnectionSchema } from '@/lib/sso/connections';
import { addDomainSchema, domainViewSchema, updateDomainSchema, verifyResultSchema } from '@/lib/sso/domains';

const C = '/api/v1/settings/sso/connections';
const D = '/api/v1/settings/sso/domains';

export const listSsoConnectionsOp = defineOperation({
  id: 'listSsoConnections',
  method: 'GET',
  path: C,
  summary: 'SSO connections (OIDC, SAML) with the values to enter at the identity provider. Client secrets are never returned.',
  tag: 'sso',
  auth: 'tenant',
  permission: 'settings:manage',
  response: z.object({ items: z.array(connectionViewSchema) }),
});

export const createSsoConnectionOp = defineOperation({
  id: 'createSsoConnection',
  method: 'POST',
  path: C,
  summary:
    'Add an OIDC (issuer, client id and secret) or SAML (metadata XML, metadata URL, or IdP entity id, SSO URL and signing ' +
    'certificates) connection, with ' +
    'just-in-time provisioning and group → role mappings. 422 for an issuer or metadata URL the server will not fetch ' +
    '(not https, or a private address), for the owner role, or a role you could not grant yourself.',
  tag: 'sso',
  auth: 'tenant',
  permission: 'settings:manage',
  body: createConnectionSchema,
  bodyLimit: createConnectionBodyLimit,
  response: connectionViewSchema,
  status: 201,
});

export const getSsoConnectionOp = defineOperation({
  id: 'getSsoConnection',
  method: 'GET',
  path: `${C}/{id}`,
  summary: 'One SSO connection',
  tag: 'sso',
  auth: 'tenant',
  permission: 'settings:manage',
  params: idParams,
  response: connectionViewSchema,
});

export const updateSsoConnectionOp = defineOperation({
  id: 'updateSsoConnection',
  method: 'PATCH',
  path: `${C}/{id}`,
  summary: 'Change an SSO connection; leave clientSecret out to keep the stored one',
  tag: 'sso',
  auth: 'tenant',
  permission: 'settings:manage',
  params: idParams,
  body: updateConnectionSchema,
  bodyLimit: createConnectionBodyLimit,
  response: connectionViewSchema,
});

export const deleteSsoConnectionOp = defineOperation({
  id: 'deleteSsoConnection',
  method: 'DELETE',
  path: `${C}/{id}`,
  summary: 'Delete an SSO connection (pending sign-ins through it end; accounts and memberships stay)',
  tag: 'sso',
  auth: 'tenant',
  permission: 'settings:manage',
  params: idParams,
});

export const listSsoDomainsOp = defineOperation({
  id: 'listSsoDomains',
  method: 'GET',
  path: D,
  summary: 'Email domains of the organization, their DNS TXT challenge and whether SSO is required for them',
  tag: 'sso',
  auth: 'tenant',
  permission: 'settings:manage',
  response: z.object({ items: z.array(domainViewSchema) }),
});

export const addSsoDomainOp = defineOperation({
  id: 'addSsoDomain',
  method: 'POST',
  path: D,
  summary: 'Claim an email domain; create the TXT record it returns, then verify',
  tag: 'sso',
  auth: 'tenant',
  permission: 'settings:manage',
  body: addDomainSchema,
  response: domainViewSchema,
  status: 201,
});

export const verifySsoDomainOp = defineOperation({
  id: 'verifySsoDomain',
  method: 'POST',
  path: `${D}/{id}/verify`,
  summary:
    'Look up the TXT record _reflex-challenge.<domain> now. 200 with result verified, record_missing, token_mismatch or ' +
    'lookup_failed; 409 when another organization has verified the domain.',
  tag: 'sso',
  auth: 'tenant',
  permission: 'settings:manage',
  params: idParams,
  response: verifyResultSchema,
});

export const updateSsoDomainOp = defineOperation({
  id: 'updateSsoDomain',
  method: 'PATCH',
  path: `${D}/{id}`,
  summary: 'Require SSO for a verified domain (password sign-in refused, owners excepted) or pick its connection',
  tag: 'sso',
  auth: 'tenant',
  permission: 'settings:manage',
  params: idParams,
  body: updateDomainSchema,
  response: domainViewSchema,
});

export const deleteSsoDomainOp = defineOperation({
  id: 'deleteSsoDomain',
  method: 'DELETE',
  path: `${D}/{id}`,
  summary: 'Remove a domain (sign-in by email no longer finds this organization for it)',
  tag: 'sso',
  auth: 'tenant',
  permission: 'settings:manage',
  params: idParams,
});

export const discoverSsoOp = defineOperation({
  id: 'discoverSso',
  method: 'POST',
  path: '/api/sso/discover',
  summary: 'Whether an email address signs in with SSO (its domain is verified by an organization with a connection), and where to start',
  tag: 'sso',
  auth: 'none',
  body: z.strictObject({ email: z.email().max(320), next: z.string().max(2000).optional() }),
  response: z.object({
    sso: z.boolean(),
    required: z.boolean().describe('Password sign-in is refused for this address (owners excepted)'),
    startUrl: z.string().nullable(),
  }),
});

export const startSsoOp = defineOperation({
  id: 'startSso',
  method: 'GET',
  path: '/api/sso/start',
  summary: 'Browser: redirect to the identity provider (by email, or by organization and connection). Failures redirect to /sso/error.',
  tag: 'sso',
  auth: 'none',
  query: z.strictObject({
    email: z.email().max(320).optional(),
    tenant: z.uuid().optional(),
    connection: z.uuid().optional(),
    next: z.string().max(2000).optional(),
  }),
});

export const oidcCallbackOp = defineOperation({
  id: 'ssoOidcCallback',
  method: 'GET',
  path: '/api/sso/oidc/callback',
  summary: 'Browser: the OIDC redirect URI. Signs in and redirects to the page asked for, or to /sso/error?reason=…',
  tag: 'sso',
  auth: 'none',
});
