import { eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Principal } from '@/lib/auth/principal';
import { PERMISSIONS, type Permission } from '@/lib/auth/permissions';
import { apiKeys, billingAccounts, BILLING_STATUSES, memberships, roles, ssoDomains, tenants, PLANS } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import type { Tx } from '@/lib/db/types';
import { AppError, notFound } from '@/lib/http/errors';
import { NO_POLICY, policyFor, policyFromSettings, type PolicyView } from './security-policy';

// Whose access is decided: a signed-in person or an API key (a Principal), or a member acting through an
// integration (a linked Slack user), who has no session of their own.
// A session principal, or a member acting through an integration (no session: their SSO origin is unknown).
type UserSubject = Pick<Extract<Principal, { kind: 'user' }>, 'kind' | 'userId'> & { ssoTenantId?: string | null };
export type AccessSubject = UserSubject | Pick<Extract<Principal, { kind: 'apiKey' }>, 'kind' | 'keyId'>;

export type Actor = { type: 'user'; userId: string } | { type: 'apiKey'; keyId: string; userId: string | null };

export interface Access {
  tenantId: string;
  plan: (typeof PLANS)[number];
  actor: Actor;
  permissions: ReadonlySet<Permission>;
  roleKey: string | null;
  /** What the organization's security policy asks of this member (enforced for sessions by lib/http/route.ts). */
  policy: PolicyView;
  /** Billing state: a suspended organization may read and export, nothing else (lib/billing/enforce.ts). */
  billing: (typeof BILLING_STATUSES)[number];
}

const LAST_USED_PRECISION_MS = 60_000;

function toPermissions(values: readonly string[]): Permission[] {
  const known = new Set<string>(PERMISSIONS);
  return values.filter((v): v is Permission => known.has(v));
}

// Rows come back through the driver's raw result (simple protocol on server pools; timestamps as text on PGlite
// through drizzle), so they are checked and coerced here.
const accessRowSchema = z.object({
  plan: z.enum(PLANS),
  status: z.string(),
  key_id: z.string().nullable(),
  scopes: z.array(z.string()).nullable(),
  created_by: z.string().nullable(),
  expires_at: z.coerce.date().nullable(),
  last_used_at: z.coerce.date().nullable(),
  revoked_at: z.coerce.date().nullable(),
  role_key: z.string().nullable(),
  permissions: z.array(z.string()).nullable(),
  deactivated_at: z.coerce.date().nullable(),
  security: z.unknown(),
  billing_status: z.enum(BILLING_STATUSES).nullable(),
  sso_enforced: z.boolean().nullable(),
});
type AccessRow = z.infer<typeof accessRowSchema>;

/**
 * One statement that decides access: the tenant row, for an API key the key itself, and the membership with
 * its role of the principal (a user, or the key's creator). RLS already limits every table here to the tenant
 * being entered, so the joins need no tenant condition. lib/http/route.ts sends it with BEGIN (withTenant's
 * preload), so checking access costs no round trip of its own.
 */
export function accessQuery(principal: AccessSubject): SQL {
  const key =
    principal.kind === 'apiKey'
      ? sql`${apiKeys.id} as key_id, ${apiKeys.scopes} as scopes, ${apiKeys.createdBy} as created_by, ${apiKeys.expiresAt} as expires_at,
          ${apiKeys.lastUsedAt} as last_used_at, ${apiKeys.revokedAt} as revoked_at`
      : sql`null::uuid as key_id, null::text[] as scopes, null::uuid as created_by, null::timestamptz as expires_at,
          null::timestamptz as last_used_at, null::timestamptz as revoked_at`;
  const keyJoin = principal.kind === 'apiKey' ? sql`left join ${apiKeys} on ${apiKeys.id} = ${principal.keyId}` : sql``;
  const member = principal.kind === 'apiKey' ? sql`${apiKeys.createdBy}` : sql`${principal.userId}::uuid`;
  return sql`select ${tenants.plan} as plan, ${tenants.status} as status, ${key}, ${roles.key} as role_key, ${roles.permissions} as permissions,
    ${memberships.deactivatedAt} as deactivated_at, ${tenants.settings}->'security' as security, ${billingAccounts.status} as billing_status,
    exists (select 1 from ${ssoDomains} where ${ssoDomains.enforceSso} and ${ssoDomains.verifiedAt} is not null) as sso_enforced
    from ${tenants} ${keyJoin}
    left join ${billingAccounts} on ${billingAccounts.tenantId} = ${tenants.id}
    left join ${memberships} on ${memberships.userId} = ${member}
    left join ${roles} on ${roles.id} = ${memberships.roleId}
    limit 1`;
}

function checkTenant(row: AccessRow): void {
  if (row.status === 'suspended') throw new AppError('forbidden', 'This organization is suspended');
}

// An organization that requires single sign-on has moved authentication to its identity provider, MFA included: a
// session its own IdP signed in meets its "two-factor required" policy. A password session (an owner's break-glass
// sign-in) or another organization's SSO session does not.
function sessionPolicy(principal: UserSubject, tenantId: string, row: AccessRow, policy: PolicyView): PolicyView {
  if (policy.mfaRequired && row.sso_enforced === true && principal.ssoTenantId === tenantId) return { ...policy, mfaRequired: false };
  return policy;
}

function userAccess(principal: UserSubject, tenantId: string, row: AccessRow | undefined): Access {
  const userId = principal.userId;
  if (!row) throw notFound('Organization');
  checkTenant(row);
  if (!row.role_key || !row.permissions) throw notFound('Organization');
  // Deactivated by the organization's identity provider (SCIM): refused until it reactivates them.
  if (row.deactivated_at) throw new AppError('forbidden', 'Your access to this organization has been deactivated by its administrator');
  const permissions = new Set(toPermissions(row.permissions));
  return {
    tenantId,
    plan: row.plan,
    actor: { type: 'user', userId },
    permissions,
    roleKey: row.role_key,
    policy: sessionPolicy(principal, tenantId, row, policyFor(policyFromSettings(row.security), row.role_key, permissions)),
    billing: row.billing_status ?? 'active',
  };
}

async function keyAccess(tx: Tx, keyId: string, tenantId: string, row: AccessRow | undefined): Promise<Access> {
  // The key was resolved from a cache (lib/auth/principal.ts): its organization or the key itself may be gone.
  if (!row?.key_id || !row.scopes) throw new AppError('unauthenticated', 'Invalid API key');
  checkTenant(row);
  const now = Date.now();
  if (row.revoked_at) throw new AppError('unauthenticated', 'This API key has been revoked');
  if (row.expires_at && row.expires_at.getTime() <= now) throw new AppError('unauthenticated', 'This API key has expired');
  // A key never grants more than its creator currently holds: demoting or removing the creator shrinks the key.
  // A key without a creator (their account was deleted, which nulls created_by) is bounded by nobody: refuse it.
  if (!row.created_by || !row.permissions) {
    throw new AppError('unauthenticated', 'The member who created this API key has left the organization');
  }
  if (row.deactivated_at) throw new AppError('unauthenticated', 'The member who created this API key has been deactivated in this organization');
  const held = new Set(toPermissions(row.permissions));
  const permissions = toPermissions(row.scopes).filter((p) => held.has(p));
  if (!row.last_used_at || now - row.last_used_at.getTime() > LAST_USED_PRECISION_MS) {
    await tx.update(apiKeys).set({ lastUsedAt: new Date(now) }).where(eq(apiKeys.id, keyId));
  }
  return {
    tenantId,
    plan: row.plan,
    actor: { type: 'apiKey', keyId, userId: row.created_by },
    permissions: new Set(permissions),
    roleKey: null,
    policy: NO_POLICY,
    billing: row.billing_status ?? 'active',
  };
}

/** Access from the rows of accessQuery(principal), run in this tenant transaction. */
export async function accessFromRows(tx: Tx, principal: AccessSubject, tenantId: string, rows: readonly unknown[]): Promise<Access> {
  const row = rows[0] === undefined ? undefined : accessRowSchema.parse(rows[0]);
  return principal.kind === 'user' ? userAccess(principal, tenantId, row) : keyAccess(tx, principal.keyId, tenantId, row);
}

// Runs inside the tenant transaction, so a revoked key, a removed member or a changed role counts from the next
// request on.
export async function loadAccess(tx: Tx, principal: AccessSubject, tenantId: string): Promise<Access> {
  return accessFromRows(tx, principal, tenantId, await queryRows(tx, accessQuery(principal)));
}
