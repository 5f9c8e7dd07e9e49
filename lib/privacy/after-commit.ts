import type { Operation } from '@/lib/http/operation';
import { errorResponse } from '@/lib/http/respond';
import { tenantRoute, type TenantContext } from '@/lib/http/route';

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };
type AfterCommit = (requestId: string) => Promise<void>;

// Like tenantRouteWithJobs (lib/documents/after-commit.ts): platform-level work queued by the handler runs only
// once the tenant transaction has committed, and never while it is open (PGlite has one connection). If that
// work fails the caller gets the error, and can repeat the request.
export function tenantRouteThen<O extends Operation>(op: O, handler: (ctx: TenantContext<O>, later: (fn: AfterCommit) => void) => Promise<unknown>) {
  return async (req: Request, routeCtx?: NextRouteContext): Promise<Response> => {
    const queued: AfterCommit[] = [];
    const response = await tenantRoute(op, (ctx) => handler(ctx, (fn) => queued.push(fn)))(req, routeCtx);
    if (!response.ok) return response;
    const requestId = response.headers.get('x-request-id') ?? '';
    try {
      for (const fn of queued) await fn(requestId);
    } catch (err) {
      return errorResponse(err, requestId);
    }
    return response;
  };
}
