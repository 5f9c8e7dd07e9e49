import { discoverSsoOp } from '@/lib/api/sso';
import { publicRoute } from '@/lib/http/route';
import { limitSsoCaller, nextPathOf } from '@/lib/sso/browser';
import { discoverSso } from '@/lib/sso/discovery';

export const POST = publicRoute(discoverSsoOp, async ({ req, body, headers }) => {
  Object.assign(headers, await limitSsoCaller(req));
  const found = await discoverSso(body.email);
  if (!found?.connectionId) return { sso: false, required: found?.enforced ?? false, startUrl: null };
  const query = new URLSearchParams({ email: body.email, next: nextPathOf(body.next) });
  return { sso: true, required: found.enforced, startUrl: `/api/sso/start?${query.toString()}` };
});
