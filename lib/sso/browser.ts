import { clientIp, requestIdFor, userAgent } from '@/lib/http/request-meta';
import { getEnv } from '@/lib/env';
import { enforceLimits, getLimiters } from '@/lib/ratelimit/limits';
import { safeNext } from '@/lib/ui/format';
import type { SsoRequestMeta } from './complete';
import { failureReasonOf } from './failure';
import { LOGIN_STATE_TTL_SECONDS, STATE_COOKIE } from './login-state';

// What the browser legs of SSO (start, callbacks) share: the state cookie, redirects, and the error page.

export const SSO_ERROR_PATH = '/sso/error';

export function metaOf(req: Request, route: string): SsoRequestMeta {
  return { requestId: requestIdFor(req), ip: clientIp(req), userAgent: userAgent(req), route };
}

/** Starting and discovering share the per-IP budget of everything that takes a credential. */
export async function limitSsoCaller(req: Request): Promise<Record<string, string>> {
  return enforceLimits([{ limiter: getLimiters().auth, key: `sso:${clientIp(req)}` }]);
}

function secure(): boolean {
  return (getEnv().APP_URL ?? '').startsWith('https://');
}

// SameSite=Lax: the IdP sends the browser back with a top-level GET, which carries a Lax cookie. (A SAML POST
// binding would not: the SAML wiring binds by RelayState and InResponseTo instead.)
export function stateCookie(browser: string): string {
  return `${STATE_COOKIE}=${browser}; Path=/api/sso; Max-Age=${LOGIN_STATE_TTL_SECONDS}; HttpOnly; SameSite=Lax${secure() ? '; Secure' : ''}`;
}

export function clearStateCookie(): string {
  return `${STATE_COOKIE}=; Path=/api/sso; Max-Age=0; HttpOnly; SameSite=Lax${secure() ? '; Secure' : ''}`;
}

export function readStateCookie(req: Request): string | null {
  const header = req.headers.get('cookie') ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === STATE_COOKIE) return rest.join('=') || null;
  }
  return null;
}

export function redirect(location: string, cookies: string[] = [], headers: Record<string, string> = {}): Response {
  const res = new Response(null, { status: 302, headers: { location, 'cache-control': 'no-store', ...headers } });
  for (const c of cookies) res.headers.append('set-cookie', c);
  return res;
}

export function nextPathOf(next: string | undefined): string {
  return safeNext(next, '/app');
}

/** A refused sign-in goes to the error page with its reason; anything unexpected is rethrown (a 500 with a request id). */
export function errorRedirect(baseUrl: string, err: unknown, cookies: string[] = []): Response {
  const reason = failureReasonOf(err);
  if (!reason) throw err;
  return redirect(`${baseUrl}${SSO_ERROR_PATH}?reason=${reason}`, cookies);
}
