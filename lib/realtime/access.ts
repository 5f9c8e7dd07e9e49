import { resolvePrincipal } from '@/lib/auth/principal';
import { withTenant } from '@/lib/db/tenant';
import { AppError } from '@/lib/http/errors';
import { loadAccess } from '@/lib/tenancy/access';
import { assertPolicySatisfied } from '@/lib/tenancy/security-policy';

// A long-lived stream must notice a signed-out session, a revoked key or a changed role. This re-resolves the
// caller from the headers the stream was opened with; null means "no longer allowed here".
export function reauthorizerFor(headers: Headers, tenantId: string): () => Promise<ReadonlySet<string> | null> {
  const saved = new Headers(headers);
  return async () => {
    try {
      const principal = await resolvePrincipal(new Request('http://reflex.local/api/v1/events', { headers: saved }));
      if (principal.kind === 'apiKey' && principal.tenantId !== tenantId) return null;
      const userId = principal.kind === 'user' ? principal.userId : null;
      const access = await withTenant(tenantId, (tx) => loadAccess(tx, principal, tenantId), { userId });
      assertPolicySatisfied(principal, access.policy);
      return access.permissions;
    } catch (err) {
      if (err instanceof AppError) return null;
      throw err;
    }
  };
}
