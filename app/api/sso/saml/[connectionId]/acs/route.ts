import { samlAcsOp } from '@/lib/api/sso-saml';
import { appBaseUrl } from '@/lib/http/request-meta';
import { publicRoute } from '@/lib/http/route';
import { clearStateCookies, errorRedirect, metaOf, readStateCookie, redirect } from '@/lib/sso/browser';
import { SAML_STATE_COOKIE } from '@/lib/sso/login-state';
import { finishSamlSignIn, readSamlForm } from '@/lib/sso/saml-flow';

export const POST = publicRoute(samlAcsOp, async ({ req, params }) => {
  const base = appBaseUrl(req);
  try {
    const form = await readSamlForm(req);
    const browser = readStateCookie(req, SAML_STATE_COOKIE);
    const done = await finishSamlSignIn(params.connectionId, form, browser, base, metaOf(req, samlAcsOp.path));
    return redirect(`${base}${done.nextPath}`, [...clearStateCookies(base), done.setCookie]);
  } catch (err) {
    return errorRedirect(base, err, clearStateCookies(base));
  }
});
