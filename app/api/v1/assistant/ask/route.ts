import { askOp } from '@/lib/api/assistant';
import { prepareAsk } from '@/lib/assistant/ask';
import { ASK_CONTENT_TYPE, answerStream } from '@/lib/assistant/stream';
import { tenantRoute } from '@/lib/http/route';

// Retrieval runs in the request's tenant transaction; the answer streams after it has committed.
export const POST = tenantRoute(askOp, async ({ tx, tenantId, principal, body, requestId, req }) => {
  const prepared = await prepareAsk(tx, tenantId, principal, body, { requestId, signal: req.signal });
  return new Response(answerStream(prepared, { requestId, signal: req.signal }), {
    headers: { 'content-type': ASK_CONTENT_TYPE, 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
  });
});
