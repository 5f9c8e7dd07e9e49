import { defineOperation } from '@/lib/http/operation';
import { aiSettingsBodySchema, aiSettingsViewSchema } from '@/lib/settings/ai-settings';
import { organizationSettingsSchema, updateOrganizationSettingsSchema } from '@/lib/settings/organization';
import { securitySettingsSchema, updateSecuritySettingsSchema } from '@/lib/tenancy/security-policy';

export const getAiSettingsOp = defineOperation({
  id: 'getAiSettings',
  method: 'GET',
  path: '/api/v1/settings/ai',
  summary: 'AI settings: policy per operation (stored overrides and effective policy), rules, categories, providers',
  tag: 'settings',
  auth: 'tenant',
  permission: 'settings:manage',
  response: aiSettingsViewSchema,
});

export const putAiSettingsOp = defineOperation({
  id: 'updateAiSettings',
  method: 'PUT',
  path: '/api/v1/settings/ai',
  summary:
    'Replace the AI settings. 422 for unknown fields, providers not configured on this server or unable to do the ' +
    'operation, hosted providers under privacy mode, an embedding fallback, and rule patterns that are over-long, too ' +
    'complex, or use a construct RE2 syntax lacks (backreferences, lookaround, possessive quantifiers; the message names it). ' +
    'Patterns run in a linear-time engine (RE2 syntax, case-insensitive, multi-line).',
  tag: 'settings',
  auth: 'tenant',
  permission: 'settings:manage',
  body: aiSettingsBodySchema,
  response: aiSettingsViewSchema,
});

export const getOrganizationSettingsOp = defineOperation({
  id: 'getOrganizationSettings',
  method: 'GET',
  path: '/api/v1/settings/organization',
  summary: "The organization's name, plan, document retention and whether a Slack webhook is set",
  tag: 'settings',
  auth: 'tenant',
  permission: 'settings:manage',
  response: organizationSettingsSchema,
});

export const updateOrganizationSettingsOp = defineOperation({
  id: 'updateOrganizationSettings',
  method: 'PATCH',
  path: '/api/v1/settings/organization',
  summary: 'Rename the organization, set document retention in days (null keeps forever) or the Slack alert webhook',
  tag: 'settings',
  auth: 'tenant',
  permission: 'settings:manage',
  body: updateOrganizationSettingsSchema,
  response: organizationSettingsSchema,
});

export const getSecuritySettingsOp = defineOperation({
  id: 'getSecuritySettings',
  method: 'GET',
  path: '/api/v1/settings/security',
  summary: "The organization's security policy: two-factor authentication and verified email addresses",
  tag: 'settings',
  auth: 'tenant',
  permission: 'settings:manage',
  response: securitySettingsSchema,
});

export const updateSecuritySettingsOp = defineOperation({
  id: 'updateSecuritySettings',
  method: 'PATCH',
  path: '/api/v1/settings/security',
  summary:
    'Require two-factor authentication (off, admins, all) or verified email addresses. Members who do not meet a ' +
    'requirement get 403 mfa_required / email_verification_required on their next request (API keys are not ' +
    'affected). 409 when the caller does not meet the requirement they are turning on.',
  tag: 'settings',
  auth: 'tenant',
  permission: 'settings:manage',
  body: updateSecuritySettingsSchema,
  response: securitySettingsSchema,
});
