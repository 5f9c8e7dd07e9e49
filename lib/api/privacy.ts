import { defineOperation } from '@/lib/http/operation';
import { erasureResultSchema } from '@/lib/privacy/erase-member';
import { tenantErasureChallengeSchema } from '@/lib/privacy/erase-tenant';
import { idParams } from './common';

export const eraseMemberOp = defineOperation({
  id: 'erasePrivacyUser',
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
  method: 'DELETE',
  path: '/api/v1/tenant',
  summary:
    'Erase the whole organization: every row, file, chunk, vector and its audit log (an owner with tenant:manage). Two steps: a DELETE without a body answers 202 with {confirm, expiresAt}; a DELETE with the JSON body {"confirm": <token>} within 10 minutes erases and answers 204. A wrong or expired token gets 409 and erases nothing.',
  tag: 'privacy',
  auth: 'tenant',
  permission: 'tenant:manage',
  response: tenantErasureChallengeSchema,
  status: 202,
});
