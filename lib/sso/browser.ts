import { clientIp, requestIdFor, userAgent } from '@/lib/http/request-meta';
import { enforceLimits, getLimiters } from '@/lib/ratelimit/limits';
import { safeNext } from '@/lib/ui/format';
import type { SsoRequestMeta } from './complete';
import { failureReasonOf } from './failure';
import { isSecureBase, LOGIN_STATE_TTL_SECONDS, SAML_STATE_COOKIE, STATE_COOKIE } from './login-state';

// What the browser legs of SSO (start, callbacks) share: the state cookie, redirects, and the error page.

export const SSO_ERROR_PATH = '/sso/error';

export function metaOf(req: Request, route: string): SsoRequestMeta {
  return { requestId: requestIdFor(req), ip: clientIp(req), userAgent: userAgent(req), route };
}

/** Starting and discovering share the per-IP budget of everything that takes a credential. */
export async function limitSsoCaller(req: Request): Promise<Record<string, string>> {
  return enforceLimits([{ limiter: getLimiters().auth, key: `sso:${clientIp(req)}` }]);
}

function stateCookie(name: string, value: string, maxAge: number, path: string, sameSite: 'Lax' | 'None', secure: boolean): string {
  return `${name}=${value}; Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=${sameSite}${secure ? '; Secure' : ''}`;
}

// SameSite=Lax: the IdP sends the browser back to the OIDC callback with a top-level GET, which carries a Lax
// cookie. A SAML IdP POSTs its form cross-site, which carries only a SameSite=None cookie, and browsers accept
// those only when Secure: over https the same browser secret also goes into one of those, for the ACS.
export function stateCookies(baseUrl: string, browser: string, maxAge = LOGIN_STATE_TTL_SECONDS): string[] {
  const secure = isSecureBase(baseUrl);
  const cookies = [stateCookie(STATE_COOKIE, browser, maxAge, '/api/sso', 'Lax', secure)];
  if (secure) cookies.push(stateCookie(SAML_STATE_COOKIE, browser, maxAge, '/api/sso/saml', 'None', true));
  return cookies;
}

export function clearStateCookies(baseUrl: string): string[] {
  return stateCookies(baseUrl, '', 0);
}

export function readStateCookie(req: Request, name: string = STATE_COOKIE): string | null {
  const header = req.headers.get('cookie') ?? '';
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=') || null;
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
