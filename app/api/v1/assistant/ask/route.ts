import { askOp } from '@/lib/api/assistant';
import { prepareAsk, prepareAskQuery } from '@/lib/assistant/ask';
import { ASK_CONTENT_TYPE, answerStream } from '@/lib/assistant/stream';
import { tenantRouteWith } from '@/lib/http/route';

// The question is embedded before the transaction opens, retrieval (and the conversation turn) runs inside it, and
// the answer streams after it has committed: no AI call ever holds a connection.
export const POST = tenantRouteWith(
  askOp,
  {
    prepare: ({ inTenant, tenantId, principal, body, requestId, req }) =>
      prepareAskQuery(inTenant, tenantId, principal, body, { requestId, signal: req.signal }),
  },
  async ({ tx, tenantId, principal, body, prepared, requestId, req }) => {
    const ask = await prepareAsk(tx, tenantId, principal, body, prepared);
    return new Response(answerStream(ask, { requestId, signal: req.signal }), {
      headers: { 'content-type': ASK_CONTENT_TYPE, 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
    });
  },
);
