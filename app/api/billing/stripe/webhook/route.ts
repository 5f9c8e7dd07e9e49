import { stripeWebhookOp } from '@/lib/api/billing';
import { receiveStripeWebhook } from '@/lib/billing/stripe-webhook';
import { readLimited } from '@/lib/http/body';
import { publicRoute } from '@/lib/http/route';

const WEBHOOK_LIMIT = 512 * 1024;

// The signature covers the exact bytes Stripe sent, so the body is read raw, never parsed and re-serialised first.
export const POST = publicRoute(stripeWebhookOp, async ({ req }) =>
  receiveStripeWebhook(new TextDecoder().decode(await readLimited(req, WEBHOOK_LIMIT)), req.headers.get('stripe-signature')),
);
