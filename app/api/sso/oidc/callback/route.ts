import { oidcCallbackOp } from '@/lib/api/sso';
import { appBaseUrl } from '@/lib/http/request-meta';
import { publicRoute } from '@/lib/http/route';
import { clearStateCookies, errorRedirect, metaOf, readStateCookie, redirect } from '@/lib/sso/browser';
import { finishOidcSignIn } from '@/lib/sso/flow';

export const GET = publicRoute(oidcCallbackOp, async ({ req }) => {
  const base = appBaseUrl(req);
  try {
    const done = await finishOidcSignIn(new URL(req.url), readStateCookie(req), base, metaOf(req, oidcCallbackOp.path));
    return redirect(`${base}${done.nextPath}`, [...clearStateCookies(base), done.setCookie]);
  } catch (err) {
    return errorRedirect(base, err, clearStateCookies(base));
  }
});
