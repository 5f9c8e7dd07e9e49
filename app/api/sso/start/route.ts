import { startSsoOp } from '@/lib/api/sso';
import { AppError } from '@/lib/http/errors';
import { appBaseUrl } from '@/lib/http/request-meta';
import { publicRoute } from '@/lib/http/route';
import { errorRedirect, limitSsoCaller, metaOf, nextPathOf, redirect, stateCookies } from '@/lib/sso/browser';
import { startSsoSignIn } from '@/lib/sso/flow';

export const GET = publicRoute(startSsoOp, async ({ req, query }) => {
  await limitSsoCaller(req);
  const base = appBaseUrl(req);
  const target = query.email ? { email: query.email } : query.tenant && query.connection ? { tenantId: query.tenant, connectionId: query.connection } : null;
  if (!target) throw new AppError('validation_failed', 'Send email, or tenant and connection');
  try {
    const started = await startSsoSignIn(target, nextPathOf(query.next), base, metaOf(req, startSsoOp.path));
    return redirect(started.redirectTo, stateCookies(base, started.browser));
  } catch (err) {
    return errorRedirect(base, err);
  }
});
