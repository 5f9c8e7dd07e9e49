import type { z } from 'zod';
import type { createdApiKeySchema, apiKeySchema } from '@/lib/tenancy/api-keys';
import type { createdInvitationSchema, invitationSchema } from '@/lib/tenancy/invitations';
import type { memberSchema } from '@/lib/tenancy/members';
import type { roleSchema } from '@/lib/tenancy/roles';
import type { tenantSummarySchema } from '@/lib/tenancy/tenants';
import type { invitationPreviewSchema } from '@/lib/api/invitation-preview';
import type { sessionSchema } from '@/lib/auth/sessions';
import type { securitySettingsSchema } from '@/lib/tenancy/security-policy';
import type { organizationSettingsSchema } from '@/lib/settings/organization';
import type { privacyExportSchema } from '@/lib/privacy/export';
import type { createdScimTokenSchema, scimTokenSchema } from '@/lib/scim/tokens';
import type { scimGroupMappingSchema, scimSettingsSchema } from '@/lib/scim/settings';
import type { billingViewSchema, invoiceSchema } from '@/lib/billing/accounts';
import type { connectionViewSchema } from '@/lib/sso/connections';
import type { domainViewSchema, verifyResultSchema } from '@/lib/sso/domains';

// Response shapes for the browser, inferred from the same zod schemas the API validates with (type-only
// imports: nothing server-side reaches the client bundle).
export type { Me } from '@/lib/tenancy/me';
export type Member = z.infer<typeof memberSchema>;
export type Role = z.infer<typeof roleSchema>;
export type Invitation = z.infer<typeof invitationSchema>;
export type CreatedInvitation = z.infer<typeof createdInvitationSchema>;
export type ApiKey = z.infer<typeof apiKeySchema>;
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;
export type TenantSummary = z.infer<typeof tenantSummarySchema>;
export type InvitationPreview = z.infer<typeof invitationPreviewSchema>;
export type SessionItem = z.infer<typeof sessionSchema>;
export type SecuritySettings = z.infer<typeof securitySettingsSchema>;
export type OrganizationSettings = z.infer<typeof organizationSettingsSchema>;
export type PrivacyExport = z.infer<typeof privacyExportSchema>;
export type ScimToken = z.infer<typeof scimTokenSchema>;
export type CreatedScimToken = z.infer<typeof createdScimTokenSchema>;
export type ScimSettings = z.infer<typeof scimSettingsSchema>;
export type ScimGroupMapping = z.infer<typeof scimGroupMappingSchema>;
export type SsoConnection = z.infer<typeof connectionViewSchema>;
export type SsoDomain = z.infer<typeof domainViewSchema>;
export type SsoDomainVerification = z.infer<typeof verifyResultSchema>;
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export type Billing = z.infer<typeof billingViewSchema>;
export type Invoice = z.infer<typeof invoiceSchema>;
