import { receiveAsanaWebhookOp } from '@/lib/api/asana';
import { readLimited } from '@/lib/http/body';
import { jsonResponse } from '@/lib/http/respond';
import { publicRoute } from '@/lib/http/route';
import { receiveAsanaWebhook } from '@/lib/integrations/asana/webhooks';

const WEBHOOK_LIMIT = 1024 * 1024;

// The signature covers the exact bytes Asana sent, so the body is read raw. The handshake answers with the secret
// in X-Hook-Secret, which is how Asana knows the endpoint is ours.
export const POST = publicRoute(receiveAsanaWebhookOp, async ({ req, params }) => {
  const outcome = await receiveAsanaWebhook(
    params.connectionId,
    { hookSecret: req.headers.get('x-hook-secret'), signature: req.headers.get('x-hook-signature') },
    await readLimited(req, WEBHOOK_LIMIT),
  );
  return jsonResponse({ received: true }, 200, outcome.kind === 'handshake' ? { 'X-Hook-Secret': outcome.secret } : {});
});
