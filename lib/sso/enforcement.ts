import { eq } from 'drizzle-orm';
import { getAuth } from '@/lib/auth/auth';
import { OWNER_ROLE_KEY } from '@/lib/auth/permissions';
import { memberships, roles } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { AppError } from '@/lib/http/errors';
import { discoverSso } from './discovery';

export const SSO_REQUIRED_MESSAGE = 'Your organization requires single sign-on for this address. Use "Sign in with SSO".';

/**
 * Password sign-in is refused for an address in a domain whose organization enforces SSO, unless the account is
 * an owner of that organization: the break-glass path when the IdP is down or misconfigured. Checked before
 * better-auth sees the password, so a refused attempt reveals nothing about the password.
 */
export async function assertPasswordSignInAllowed(email: string): Promise<void> {
  const found = await discoverSso(email);
  if (!found?.enforced) return;
  const ctx = await (await getAuth()).$context;
  const user = (await ctx.internalAdapter.findUserByEmail(email.trim().toLowerCase()))?.user;
  if (user) {
    const owner = await withTenant(
      found.tenantId,
      async (tx) => {
        const [row] = await tx
          .select({ key: roles.key })
          .from(memberships)
          .innerJoin(roles, eq(roles.id, memberships.roleId))
          .where(eq(memberships.userId, user.id))
          .limit(1);
        return row?.key === OWNER_ROLE_KEY;
      },
      { userId: user.id },
    );
    if (owner) return;
  }
  throw new AppError('forbidden', SSO_REQUIRED_MESSAGE, { details: { reason: 'sso_required', nextStep: { page: '/sign-in?sso=1', api: 'POST /api/sso/discover' } } });
}
