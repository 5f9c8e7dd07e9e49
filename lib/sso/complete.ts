import { eq } from 'drizzle-orm';
import { OWNER_ROLE_KEY } from '@/lib/auth/permissions';
import { getAuth } from '@/lib/auth/auth';
import { recordAuditEvent } from '@/lib/audit/record';
import { memberships, roles, ssoConnections } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { AppError } from '@/lib/http/errors';
import { logger } from '@/lib/log';
import { assertQuota } from '@/lib/quotas';
import type { ConnectionRow } from './connections';
import { verifiedDomains } from './domains';
import { failureReasonOf, ssoFailure, type SsoFailureReason } from './failure';
import { ssoProfileSchema, type SsoProfile } from './profile';
import { mintSession, type MintedSession } from './session';

export interface SsoRequestMeta {
  requestId: string;
  ip: string;
  userAgent: string;
  route: string;
}

export const ssoProviderId = (connectionId: string) => `sso:${connectionId}`;

interface AuditFacts {
  tenantId: string;
  connectionId: string | null;
  protocol: string | null;
  meta: SsoRequestMeta;
  userId?: string | null;
  email?: string | null;
}

async function writeSsoAudit(tx: Tx, facts: AuditFacts, outcome: 'success' | 'failure', metadata: Record<string, string | boolean>): Promise<void> {
  await recordAuditEvent(tx, {
    action: 'sso.signIn',
    outcome,
    actor: { type: 'user', id: facts.userId ?? null, label: facts.email ?? null },
    target: facts.connectionId ? { type: 'sso', id: facts.connectionId } : null,
    requestId: facts.meta.requestId,
    ip: facts.meta.ip,
    userAgent: facts.meta.userAgent,
    metadata: { ...(facts.protocol ? { protocol: facts.protocol } : {}), ...metadata },
  });
}

/** A refused SSO sign-in in the organization's audit log, in a transaction of its own (nothing else committed). */
export async function recordSsoFailure(facts: AuditFacts, reason: SsoFailureReason): Promise<void> {
  try {
    await withTenant(facts.tenantId, (tx) => writeSsoAudit(tx, facts, 'failure', { reason }));
  } catch (err) {
    logger.error('audit: could not record a refused SSO sign-in', { requestId: facts.meta.requestId, reason, error: err instanceof Error ? err.message : String(err) });
  }
}

// IdP groups → role: the first mapping (in the admin's order) naming one of the person's groups.
function mappedRoleId(connection: ConnectionRow, groups: readonly string[]): string | null {
  const have = new Set(groups);
  return connection.groupRoleMappings.find((m) => have.has(m.group))?.roleId ?? null;
}

async function assignableRole(tx: Tx, roleId: string | null): Promise<{ id: string; key: string } | null> {
  if (!roleId) return null;
  const [role] = await tx.select({ id: roles.id, key: roles.key }).from(roles).where(eq(roles.id, roleId)).limit(1);
  return role && role.key !== OWNER_ROLE_KEY ? role : null;
}

async function defaultMemberRole(tx: Tx, connection: ConnectionRow): Promise<{ id: string; key: string } | null> {
  const chosen = await assignableRole(tx, connection.defaultRoleId);
  if (chosen) return chosen;
  const [member] = await tx.select({ id: roles.id, key: roles.key }).from(roles).where(eq(roles.key, 'member')).limit(1);
  return member ?? null;
}

/**
 * The membership after this sign-in: an existing member's role follows the group mappings when one matches (an
 * owner's never changes: ownership is given by a person); a newcomer is created only with just-in-time
 * provisioning on, with the mapped role or else the default role.
 */
async function syncMembership(tx: Tx, tenantId: string, userId: string, connection: ConnectionRow, groups: readonly string[]): Promise<{ created: boolean; roleKey: string }> {
  const [existing] = await tx
    .select({ id: memberships.id, roleId: memberships.roleId, roleKey: roles.key })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(eq(memberships.userId, userId))
    .limit(1);
  const mapped = await assignableRole(tx, mappedRoleId(connection, groups));
  if (existing) {
    if (existing.roleKey !== OWNER_ROLE_KEY && mapped && mapped.id !== existing.roleId) {
      await tx.update(memberships).set({ roleId: mapped.id, updatedAt: new Date() }).where(eq(memberships.id, existing.id));
      return { created: false, roleKey: mapped.key };
    }
    return { created: false, roleKey: existing.roleKey };
  }
  if (!connection.jitEnabled) throw ssoFailure('not_provisioned');
  const role = mapped ?? (await defaultMemberRole(tx, connection));
  if (!role) throw ssoFailure('provisioning_failed', 'no role to give');
  try {
    await assertQuota(tx, tenantId, 'members', 1);
  } catch (err) {
    if (err instanceof AppError) throw ssoFailure('provisioning_failed', err.message);
    throw err;
  }
  await tx.insert(memberships).values({ tenantId, userId, roleId: role.id });
  return { created: true, roleKey: role.key };
}

async function readSignInRules(tenantId: string, connectionId: string): Promise<{ connection: ConnectionRow; domains: string[] }> {
  return withTenant(tenantId, async (tx) => {
    const [connection] = await tx.select().from(ssoConnections).where(eq(ssoConnections.id, connectionId)).limit(1);
    if (!connection) throw ssoFailure('no_connection');
    if (connection.status !== 'active') throw ssoFailure('connection_disabled');
    return { connection, domains: await verifiedDomains(tx) };
  });
}

// The better-auth user for this identity: the one linked to the IdP subject, else the one with the address (the
// organization proved it owns the address's domain, so its IdP speaks for it), else a new one when JIT is on.
async function findOrCreateUser(connection: ConnectionRow, profile: SsoProfile): Promise<{ id: string; created: boolean; linked: boolean; emailVerified: boolean }> {
  const ctx = await (await getAuth()).$context;
  const linked = await ctx.internalAdapter.findAccountByKey({ providerId: ssoProviderId(connection.id), accountId: profile.subject });
  const user = (linked ? await ctx.internalAdapter.findUserById(linked.userId) : null) ?? (await ctx.internalAdapter.findUserByEmail(profile.email.toLowerCase()))?.user ?? null;
  if (user) return { id: user.id, created: false, linked: linked !== null, emailVerified: user.emailVerified };
  if (!connection.jitEnabled) throw ssoFailure('not_provisioned');
  const created = await ctx.internalAdapter.createUser(
    { email: profile.email.toLowerCase(), name: profile.name ?? profile.email.split('@')[0] ?? profile.email, emailVerified: true },
    { method: connection.protocol === 'oidc' ? 'sso-oidc' : 'sso-saml' },
  );
  return { id: created.id, created: true, linked: false, emailVerified: true };
}

// Once the membership is settled (a refused sign-in changes no account): the IdP subject is linked to the account,
// and the address counts as verified (the IdP asserted it, in a domain the organization proved it owns).
async function linkIdentity(connection: ConnectionRow, profile: SsoProfile, user: { id: string; linked: boolean; emailVerified: boolean }): Promise<void> {
  const ctx = await (await getAuth()).$context;
  if (!user.emailVerified) await ctx.internalAdapter.updateUser(user.id, { emailVerified: true });
  if (!user.linked) await ctx.internalAdapter.linkAccount({ userId: user.id, providerId: ssoProviderId(connection.id), accountId: profile.subject });
}

export interface CompletedSignIn extends MintedSession {
  userId: string;
}

/**
 * Everything after a protocol module (OIDC, SAML) has verified the IdP's response: the rules of the organization,
 * the account, the membership, the audit entry and the session. Refusals are sso_failed errors with a reason,
 * audited here. Addresses must be in one of the organization's verified domains: an IdP speaks only for the
 * domains its organization proved it owns (otherwise any organization's IdP could sign in as anyone's address).
 * Database work alternates between the tenant's transactions and better-auth's tables, never nested (one
 * connection on the embedded database).
 */
export async function completeSsoSignIn(input: { tenantId: string; connection: ConnectionRow; profile: SsoProfile; meta: SsoRequestMeta }): Promise<CompletedSignIn> {
  const { tenantId, meta } = input;
  const facts: AuditFacts = { tenantId, connectionId: input.connection.id, protocol: input.connection.protocol, meta, email: null };
  try {
    const parsed = ssoProfileSchema.safeParse(input.profile);
    if (!parsed.success) throw ssoFailure('token_invalid', 'profile');
    const profile = parsed.data;
    facts.email = profile.email.toLowerCase();
    if (!profile.emailVerified) throw ssoFailure('email_unverified');
    const { connection, domains } = await readSignInRules(tenantId, input.connection.id);
    const domain = facts.email.split('@')[1] ?? '';
    if (!domains.includes(domain)) throw ssoFailure('email_domain');
    const user = await findOrCreateUser(connection, profile);
    facts.userId = user.id;
    const membership = await withTenant(
      tenantId,
      async (tx) => {
        const result = await syncMembership(tx, tenantId, user.id, connection, profile.groups);
        await writeSsoAudit(tx, facts, 'success', { role: result.roleKey, memberCreated: result.created, userCreated: user.created });
        return result;
      },
      { userId: user.id },
    ).catch(async (err: unknown) => {
      // An account made just now for a membership that was then refused (the plan's member limit, no role to
      // give) belongs to no one: it goes, so a later sign-in starts clean and no orphan holds the address.
      if (user.created) await (await (await getAuth()).$context).internalAdapter.deleteUser(user.id);
      throw err;
    });
    await linkIdentity(connection, profile, user);
    logger.info('sso sign-in', { requestId: meta.requestId, tenantId, connectionId: connection.id, memberCreated: membership.created });
    const session = await mintSession(user.id, tenantId, meta);
    return { ...session, userId: user.id };
  } catch (err) {
    const reason = failureReasonOf(err);
    if (reason) await recordSsoFailure(facts, reason);
    throw err;
  }
}
