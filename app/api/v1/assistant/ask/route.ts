import { askOp } from '@/lib/api/assistant';
import { prepareAsk, prepareAskQuery } from '@/lib/assistant/ask';
import { ASK_CONTENT_TYPE, answerStream } from '@/lib/assistant/stream';
import { tenantRouteWith } from '@/lib/http/route';

// The question is embedded before the transaction opens, retrieval (and the conversation turn) runs inside it, and
// the answer streams after it has committed: no AI call ever holds a connection.
const answer = tenantRouteWith(
  askOp,
  {
    prepare: ({ inTenant, tenantId, principal, body, requestId, req }) =>
      prepareAskQuery(inTenant, tenantId, principal, body, { requestId, signal: req.signal }),
  },
  async ({ tx, tenantId, principal, body, prepared, requestId, req }) => {
    const ask = await prepareAsk(tx, tenantId, principal, body, prepared);
    return new Response(answerStream(ask, { requestId, signal: req.signal, committed: committedOf(req) }), {
      headers: { 'content-type': ASK_CONTENT_TYPE, 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
    });
  },
);

// The stream waits for the request's transaction to commit (lib/assistant/stream.ts); the wrapper has committed
// (or rolled back) by the time it returns, so that is when the gate opens. The wrapper hands the handler this same
// Request object, so it keys the gate.
const gates = new WeakMap<Request, Promise<void>>();

function committedOf(req: Request): Promise<void> {
  const gate = gates.get(req);
  if (!gate) throw new Error('ask: no commit gate for this request');
  return gate;
}

export async function POST(req: Request, ctx?: { params: Promise<Record<string, string | string[]>> }): Promise<Response> {
  let open: () => void = () => undefined;
  gates.set(req, new Promise<void>((resolve) => (open = resolve)));
  try {
    return await answer(req, ctx);
  } finally {
    open();
    gates.delete(req);
  }
}
