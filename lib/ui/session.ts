import { cookies } from 'next/headers';
import { cache } from 'react';
import { resolveOptionalSession } from '@/lib/auth/principal';
import { describeMe, type Me } from '@/lib/tenancy/me';
import { setActiveTenant } from '@/lib/tenancy/tenants';

// better-auth only reads the cookie header, so a synthetic request carrying the page's cookies is enough to
// resolve the same session the API routes see. Cached so a layout and its page share one lookup per request.
export const getViewer = cache(async (): Promise<Me | null> => {
  const cookie = (await cookies()).toString();
  if (!cookie) return null;
  const principal = await resolveOptionalSession(new Request('http://reflex.local/', { headers: { cookie } }));
  if (!principal || principal.kind !== 'user') return null;
  const me = await describeMe(principal);
  const fallback = me.tenants[0];
  // A fresh sign-in starts a session with no active organization; land the user in their first one.
  if (!me.tenant && fallback) {
    await setActiveTenant(principal.sessionId, fallback.id);
    return describeMe({ ...principal, activeTenantId: fallback.id });
  }
  return me;
});
