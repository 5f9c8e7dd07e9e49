import { eq, sql } from 'drizzle-orm';
import { OWNER_ROLE_KEY } from '@/lib/auth/permissions';
import { asAuthRole } from '@/lib/db/auth-role';
import { session, twoFactor, user } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import type { Tx } from '@/lib/db/types';
import { conflict, forbidden } from '@/lib/http/errors';
import type { Access } from './access';
import { getMemberRow } from './members';

/**
 * Recovery for a member who lost their authenticator and their backup codes: an owner removes their second factor
 * and ends their sessions, so their next sign-in is by password and (under an MFA policy) goes straight to
 * enrolment. The request is audited like every tenant mutation (action resetMemberMfa, target the membership).
 *
 * A second factor guards the account everywhere it is a member, so an owner may reset it only for an account that
 * belongs to this organization alone; otherwise an owner of one organization could weaken an account another
 * organization relies on. An operator can still reset any account (npm run admin -- users reset-mfa).
 */
export async function resetMemberMfa(tx: Tx, access: Access, membershipId: string): Promise<{ sessionsRevoked: number }> {
  // The member first: an id of another organization answers 404 to everyone, exactly like an id that does not exist.
  const member = await getMemberRow(tx, membershipId);
  if (access.roleKey !== OWNER_ROLE_KEY) throw forbidden("Only an owner can reset a member's two-factor authentication");
  if (access.actor.type === 'user' && member.userId === access.actor.userId) {
    throw conflict('Turn your own two-factor authentication off or on from your profile');
  }
  const [others] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from reflex_user_tenants(${member.userId}) where tenant_id <> ${access.tenantId}`);
  if ((others?.n ?? 0) > 0) {
    throw conflict(`${member.email} also belongs to other organizations; ask an operator to reset their two-factor authentication`);
  }
  return asAuthRole(tx, async (authTx) => {
    await authTx.delete(twoFactor).where(eq(twoFactor.userId, member.userId));
    await authTx.update(user).set({ twoFactorEnabled: false, updatedAt: new Date() }).where(eq(user.id, member.userId));
    const ended = await authTx.delete(session).where(eq(session.userId, member.userId)).returning({ id: session.id });
    return { sessionsRevoked: ended.length };
  });
}
