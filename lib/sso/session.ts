import { createHmac } from 'node:crypto';
import { getAuth } from '@/lib/auth/auth';

export interface MintedSession {
  sessionId: string;
  setCookie: string;
}

// The cookie better-auth itself sets at sign-in: its name and attributes from the auth context, the value signed
// as better-call's serializeSignedCookie does (`<token>.<base64 HMAC-SHA256 with the auth secret>`, URI-encoded),
// so getSession (lib/auth/principal.ts) reads it like any other. The session row is better-auth's own, so it
// expires, idles out and is revoked like a password session.
function serializeSessionCookie(name: string, token: string, secret: string, attributes: { maxAge?: number; path?: string; domain?: string; httpOnly?: boolean; secure?: boolean; sameSite?: string }): string {
  const signature = createHmac('sha256', secret).update(token).digest('base64');
  let cookie = `${name}=${encodeURIComponent(`${token}.${signature}`)}`;
  if (typeof attributes.maxAge === 'number') cookie += `; Max-Age=${Math.floor(attributes.maxAge)}`;
  if (attributes.domain) cookie += `; Domain=${attributes.domain}`;
  cookie += `; Path=${attributes.path ?? '/'}`;
  if (attributes.httpOnly !== false) cookie += '; HttpOnly';
  if (attributes.secure) cookie += '; Secure';
  const sameSite = attributes.sameSite ?? 'lax';
  cookie += `; SameSite=${sameSite.charAt(0).toUpperCase()}${sameSite.slice(1)}`;
  return cookie;
}

export async function mintSession(userId: string, tenantId: string, meta: { ip: string; userAgent: string }): Promise<MintedSession> {
  const ctx = await (await getAuth()).$context;
  const created = await ctx.internalAdapter.createSession(userId, false, { ipAddress: meta.ip, userAgent: meta.userAgent, activeTenantId: tenantId, ssoTenantId: tenantId, lastActiveAt: new Date() });
  if (!created) throw new Error('better-auth created no session');
  const { name, attributes } = ctx.authCookies.sessionToken;
  return { sessionId: created.id, setCookie: serializeSessionCookie(name, created.token, ctx.secret, attributes) };
}
