import { z } from 'zod';
import { defineOperation } from '@/lib/http/operation';
import { createExportSchema, privacyExportListSchema, privacyExportSchema } from '@/lib/privacy/export';
import { erasureResultSchema } from '@/lib/privacy/erase-member';
import { tenantErasureBodySchema, tenantErasureChallengeSchema } from '@/lib/privacy/erase-tenant';
import { idParams } from './common';

export const eraseMemberOp = defineOperation({
  id: 'erasePrivacyUser',
  // GDPR rights never wait for an invoice.
  whenSuspended: 'allow',
  method: 'DELETE',
  path: '/api/v1/privacy/users/{id}',
  summary:
    "Erase a member's personal data (GDPR). {id} is the membership id from GET /api/v1/members (not the user id), so no person's id enters the audit trail. Deletes their uploads, de-identifies their tasks, removes their invitations, API keys and membership, pseudonymizes their audit entries; their account goes too when they belong to no other organization. 409 for the last owner.",
  tag: 'privacy',
  auth: 'tenant',
  permission: 'privacy:manage',
  params: idParams,
  response: erasureResultSchema,
});

export const eraseTenantOp = defineOperation({
  id: 'eraseTenant',
  // GDPR rights never wait for an invoice.
  whenSuspended: 'allow',
  method: 'DELETE',
  path: '/api/v1/tenant',
  summary:
    'Erase the whole organization: every row, file, chunk, vector and its audit log (an owner with tenant:manage). Two steps: a DELETE without a body answers 202 with {confirm, expiresAt}; a DELETE with the JSON body {"confirm": <token>} within 10 minutes erases and answers 204. A wrong or expired token gets 409 and erases nothing.',
  tag: 'privacy',
  auth: 'tenant',
  permission: 'tenant:manage',
  body: tenantErasureBodySchema,
  bodyOptional: true,
  bodyLimit: 1_024,
  response: tenantErasureChallengeSchema,
  status: 202,
});

export const createExportOp = defineOperation({
  id: 'createPrivacyExport',
  // GDPR rights never wait for an invoice.
  whenSuspended: 'allow',
  method: 'POST',
  path: '/api/v1/privacy/exports',
  summary:
    "Request a GDPR data export, built in the background: scope 'me' (privacy:export, which every built-in role has: your profile, membership, uploads, tasks, API key metadata and audit entries) or 'tenant' (privacy:manage: all of that for the whole organization, plus AI usage). An API key acts for its creator and needs the permission in its own scopes. Answers 202 with the export; poll GET /api/v1/privacy/exports/{id} for progress. Archives expire after 7 days.",
  tag: 'privacy',
  auth: 'tenant',
  body: createExportSchema,
  response: privacyExportSchema,
  status: 202,
});

export const listExportsOp = defineOperation({
  id: 'listPrivacyExports',
  method: 'GET',
  path: '/api/v1/privacy/exports',
  summary:
    "Data exports that are in progress or still downloadable, newest first (at most 20): your own personal exports while you hold privacy:export, and the organization's exports while you hold privacy:manage. Nobody else's personal export is listed.",
  tag: 'privacy',
  auth: 'tenant',
  response: privacyExportListSchema,
});

export const getExportOp = defineOperation({
  id: 'getPrivacyExport',
  method: 'GET',
  path: '/api/v1/privacy/exports/{id}',
  summary:
    'Status (queued, building, ready, failed), progress and, once ready and until it expires, the download URL of a data export. A personal export is seen by its requester while they hold privacy:export; a tenant export by privacy:manage holders (its requester included only while they hold it); anyone else gets 404.',
  tag: 'privacy',
  auth: 'tenant',
  params: idParams,
  response: privacyExportSchema,
});

export const downloadExportOp = defineOperation({
  id: 'downloadPrivacyExport',
  method: 'GET',
  path: '/api/v1/privacy/exports/{id}/download',
  summary:
    'Download a ready data export as JSON Lines (an "export" header line, then one {section, data} line per row). The permission is checked again: privacy:export for a personal export, privacy:manage for a tenant export (else 404). 409 while it is being built, 410 once expired.',
  tag: 'privacy',
  auth: 'tenant',
  params: idParams,
  response: z.string().describe('JSON Lines: {"section": ..., "data": {...}} per line'),
  responseContentType: 'application/x-ndjson',
});
