import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Principal } from '@/lib/auth/principal';
import { OWNER_ROLE_KEY, type Permission } from '@/lib/auth/permissions';
import { tenants } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { AppError, conflict, notFound } from '@/lib/http/errors';

// An organization's security settings live in tenants.settings.security, one key per section: `mfa` and
// `emailVerification` here; SSO and SCIM add their own sections next to them. Sections are merged on write, so a
// change to one never drops another, and unknown sections are kept as they are.

export const MFA_POLICIES = ['off', 'admins', 'all'] as const;
export type MfaPolicy = (typeof MFA_POLICIES)[number];

const storedSchema = z.looseObject({
  mfa: z.looseObject({ required: z.enum(MFA_POLICIES) }).optional(),
  emailVerification: z.looseObject({ required: z.boolean() }).optional(),
});

export interface SecurityPolicy {
  mfa: MfaPolicy;
  requireVerifiedEmail: boolean;
}

const DEFAULT_POLICY: SecurityPolicy = { mfa: 'off', requireVerifiedEmail: false };

/** The policy from the stored `settings.security` value; anything unreadable means the default (nothing required). */
export function policyFromSettings(raw: unknown): SecurityPolicy {
  const parsed = storedSchema.safeParse(raw ?? {});
  if (!parsed.success) return DEFAULT_POLICY;
  return { mfa: parsed.data.mfa?.required ?? 'off', requireVerifiedEmail: parsed.data.emailVerification?.required ?? false };
}

// "Admins" for the MFA policy: the built-in owner and admin roles, and any custom role that can change who is in
// the organization, what they may do, its keys or its settings, or erase data.
const ADMIN_PERMISSIONS: readonly Permission[] = ['members:manage', 'roles:manage', 'apikeys:manage', 'settings:manage', 'privacy:manage', 'tenant:manage'];

export function isAdministrative(roleKey: string | null, permissions: ReadonlySet<Permission>): boolean {
  return roleKey === OWNER_ROLE_KEY || roleKey === 'admin' || ADMIN_PERMISSIONS.some((p) => permissions.has(p));
}

export interface PolicyView {
  mfaRequired: boolean;
  emailVerificationRequired: boolean;
}

/** Nothing asked (API keys; code acting for the system). */
export const NO_POLICY: PolicyView = { mfaRequired: false, emailVerificationRequired: false };

/** What the organization's policy asks of this member, whether or not they already meet it. */
export function policyFor(policy: SecurityPolicy, roleKey: string | null, permissions: ReadonlySet<Permission>): PolicyView {
  const mfaRequired = policy.mfa === 'all' || (policy.mfa === 'admins' && isAdministrative(roleKey, permissions));
  return { mfaRequired, emailVerificationRequired: policy.requireVerifiedEmail };
}

export const MFA_ENROL_PATH = '/app/profile?required=mfa';
export const VERIFY_EMAIL_PATH = '/verify-email';

/**
 * Applied to every session request in a tenant (lib/http/route.ts). API keys are not people signing in: a key is a
 * 256-bit secret created by a member (who had to meet the policy to create it), scoped, revocable and capped by
 * its creator's role, so a second factor would add nothing an attacker holding the key lacks.
 */
export function assertPolicySatisfied(principal: Principal, demands: PolicyView): void {
  if (principal.kind !== 'user') return;
  if (demands.emailVerificationRequired && !principal.emailVerified) {
    throw new AppError('email_verification_required', 'This organization requires a verified email address. Open the link we emailed you, or send a new one from /verify-email.', {
      details: { nextStep: { page: VERIFY_EMAIL_PATH, api: 'POST /api/auth/send-verification-email' } },
    });
  }
  if (demands.mfaRequired && !principal.twoFactorEnabled) {
    throw new AppError('mfa_required', 'This organization requires two-factor authentication. Set it up on your profile, then try again.', {
      details: { nextStep: { page: MFA_ENROL_PATH, api: 'POST /api/auth/two-factor/enable, then POST /api/auth/two-factor/verify-totp' } },
    });
  }
}

export const securitySettingsSchema = z
  .object({
    mfa: z.object({ required: z.enum(MFA_POLICIES).describe('off, admins (owners, admins and roles that manage the organization) or all members') }),
    emailVerification: z.object({ required: z.boolean().describe('Members must have verified their email address') }),
  })
  .meta({ id: 'SecuritySettings' });

export const updateSecuritySettingsSchema = z
  .strictObject({
    mfa: z.strictObject({ required: z.enum(MFA_POLICIES) }).optional(),
    emailVerification: z.strictObject({ required: z.boolean() }).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one section to change');

async function storedSettings(tx: Tx): Promise<unknown> {
  const [row] = await tx.select({ security: sql<unknown>`${tenants.settings}->'security'` }).from(tenants).limit(1);
  if (!row) throw notFound('Organization');
  return row.security;
}

export async function getSecuritySettings(tx: Tx): Promise<z.infer<typeof securitySettingsSchema>> {
  const policy = policyFromSettings(await storedSettings(tx));
  return { mfa: { required: policy.mfa }, emailVerification: { required: policy.requireVerifiedEmail } };
}

// Whoever turns a requirement on from a browser must meet it themselves first: otherwise the very next request
// would lock them out of the settings page they would need to undo it.
function assertActorMeets(principal: Principal, demands: PolicyView): void {
  if (principal.kind !== 'user') return;
  if (demands.emailVerificationRequired && !principal.emailVerified) throw conflict('Verify your own email address before requiring it of every member');
  if (demands.mfaRequired && !principal.twoFactorEnabled) throw conflict('Turn on two-factor authentication for yourself before requiring it');
}

export async function updateSecuritySettings(
  tx: Tx,
  input: { tenantId: string; principal: Principal; roleKey: string | null; permissions: ReadonlySet<Permission> },
  change: z.infer<typeof updateSecuritySettingsSchema>,
) {
  const current = policyFromSettings(await storedSettings(tx));
  const next: SecurityPolicy = {
    mfa: change.mfa?.required ?? current.mfa,
    requireVerifiedEmail: change.emailVerification?.required ?? current.requireVerifiedEmail,
  };
  assertActorMeets(input.principal, policyFor(next, input.roleKey, input.permissions));
  const patch: Record<string, unknown> = {};
  if (change.mfa) patch.mfa = change.mfa;
  if (change.emailVerification) patch.emailVerification = change.emailVerification;
  await tx
    .update(tenants)
    .set({
      settings: sql`jsonb_set(${tenants.settings}, '{security}', coalesce(${tenants.settings}->'security', '{}'::jsonb) || ${JSON.stringify(patch)}::jsonb)`,
      updatedAt: new Date(),
    })
    .where(eq(tenants.id, input.tenantId));
  return getSecuritySettings(tx);
}
