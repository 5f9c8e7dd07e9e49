import { context } from '@opentelemetry/api';
import { Middleware } from 'inngest';
import { extractTraceContext, withSpan } from '@/lib/tracing';

// Each step attempt is a span in the trace of whoever sent the triggering event (lib/events/send.ts puts the W3C
// traceparent into the event data). A failure handler's event wraps the original one, so its trace is read from
// there. Attributes: the function and step ids and the attempt; nothing from the event itself.
function carrierOf(event: unknown): unknown {
  if (typeof event !== 'object' || event === null || !('data' in event)) return undefined;
  const data = event.data;
  if (typeof data === 'object' && data !== null && 'event' in data && typeof data.event === 'object' && data.event !== null && 'data' in data.event) {
    return data.event.data;
  }
  return data;
}

export class TraceStepsMiddleware extends Middleware.BaseMiddleware {
  readonly id = 'reflex-trace-steps';

  override wrapStepHandler({ ctx, fn, next, stepInfo }: Middleware.WrapStepHandlerArgs): Promise<unknown> {
    const parent = extractTraceContext(carrierOf(ctx.event));
    const attributes = { 'reflex.pipeline': fn.opts.id, 'reflex.step': stepInfo.options.id, 'reflex.attempt': ctx.attempt };
    return context.with(parent, () => withSpan(`step ${fn.opts.id}/${stepInfo.options.id}`, attributes, () => next()));
  }
}
