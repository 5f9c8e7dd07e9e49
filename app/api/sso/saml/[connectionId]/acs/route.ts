import { samlAcsOp } from '@/lib/api/sso-saml';
import { appBaseUrl } from '@/lib/http/request-meta';
import { publicRoute } from '@/lib/http/route';
import { errorRedirect, metaOf, redirect } from '@/lib/sso/browser';
import { finishSamlSignIn, readSamlForm } from '@/lib/sso/saml-flow';

export const POST = publicRoute(samlAcsOp, async ({ req, params }) => {
  const base = appBaseUrl(req);
  try {
    const form = await readSamlForm(req);
    const done = await finishSamlSignIn(params.connectionId, form, base, metaOf(req, samlAcsOp.path));
    return redirect(`${base}${done.nextPath}`, [done.setCookie]);
  } catch (err) {
    return errorRedirect(base, err);
  }
});
