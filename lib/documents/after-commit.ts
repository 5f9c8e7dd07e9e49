import { context, type Context } from '@opentelemetry/api';
import type { Operation } from '@/lib/http/operation';
import { tenantRouteWith, type TenantContext, type TenantRouteOptions } from '@/lib/http/route';
import { sendPipelineJobs } from './enqueue';
import type { Enqueue, PipelineJob } from './jobs';

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };

// tenantRoute runs the handler inside one tenant transaction and resolves only after it committed (or rolled
// back into an error response). Jobs the handler enqueues are sent after that, and only on success, so the
// pipeline never looks for a row that is not there yet, and a rolled-back upload never starts a run. A crash in
// between leaves the document `queued` for requeueStuckDocuments().
export function tenantRouteWithJobs<O extends Operation, B = undefined, P = undefined>(
  op: O,
  options: TenantRouteOptions<O, B, P>,
  handler: (ctx: TenantContext<O, B, P>, enqueue: Enqueue) => Promise<unknown>,
) {
  return async (req: Request, routeCtx?: NextRouteContext): Promise<Response> => {
    const jobs: PipelineJob[] = [];
    // The trace context the jobs were enqueued in (inside the request's span): the send happens after the
    // request's span ended, and the pipeline runs should still join the request's trace.
    let enqueuedIn: Context | undefined;
    const enqueue: Enqueue = (job) => {
      jobs.push(job);
      enqueuedIn ??= context.active();
    };
    const response = await tenantRouteWith(op, options, (ctx) => handler(ctx, enqueue))(req, routeCtx);
    if (response.ok && jobs.length > 0) await context.with(enqueuedIn ?? context.active(), () => sendPipelineJobs(jobs));
    return response;
  };
}
