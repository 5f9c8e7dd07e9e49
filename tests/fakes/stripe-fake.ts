import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { sendJson, startFakeServer, type RecordedRequest } from '@/tests/fakes/http-server';

// Speaks Stripe's v1 wire format at the SDK's base URL: form-encoded bodies with bracket keys
// (line_items[0][price]=…), JSON objects with `object` fields, errors as {"error": {type, code, message}},
// Idempotency-Key replay, and 429 with Retry-After. Its hosted pages (Checkout) are a plain HTML form that, like the
// real one, sends signed webhooks to the app and redirects the browser to success_url.

export type StripeFault = { kind: 'rate-limit'; retryAfterSeconds?: number } | { kind: 'server-error' } | { kind: 'invalid'; message: string };

interface Session {
  id: string;
  customer: string;
  clientReferenceId: string;
  price: string;
  quantity: number;
  successUrl: string;
  completed: boolean;
}

export interface StripeFake {
  url: string;
  secretKey: string;
  webhookSecret: string;
  requests: RecordedRequest[];
  sessions: Map<string, Session>;
  subscriptions: Map<string, { id: string; customer: string; itemId: string; quantity: number; prorations: string[] }>;
  failNext(...faults: StripeFault[]): void;
  /** Where the fake's Checkout page posts its webhooks (the app's /api/billing/stripe/webhook). */
  setWebhookTarget(url: string): void;
  /** A signed webhook delivery, exactly as Stripe would send it. */
  signedEvent(type: string, object: Record<string, unknown>, opts?: { id?: string; created?: number; timestamp?: number; secret?: string }): { payload: string; signature: string; id: string };
  close(): Promise<void>;
}

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

// Stripe's encoding: a[b][0][c]=v. Enough of it for the parameters this app sends.
export function parseStripeForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.split(/\[|\]\[|\]/).filter((p) => p !== '');
    let node: Record<string, unknown> = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else {
        const next = node[part];
        if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>; // built by this loop as a plain object
        else {
          const created: Record<string, unknown> = {};
          node[part] = created;
          node = created;
        }
      }
    });
  }
  return out;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export async function startStripeFake(options: { port?: number; secretKey?: string; webhookSecret?: string } = {}): Promise<StripeFake> {
  const secretKey = options.secretKey ?? `sk_test_${randomBytes(8).toString('hex')}`;
  const webhookSecret = options.webhookSecret ?? `whsec_${randomBytes(16).toString('hex')}`;
  const faults: StripeFault[] = [];
  const sessions = new Map<string, Session>();
  const subscriptions: StripeFake['subscriptions'] = new Map();
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const signer = new Stripe('sk_test_signer');
  let webhookTarget = '';
  let base = '';

  function signedEvent(type: string, object: Record<string, unknown>, opts: { id?: string; created?: number; timestamp?: number; secret?: string } = {}) {
    const id = opts.id ?? newId('evt');
    const payload = JSON.stringify({ id, object: 'event', api_version: '2026-11-18.endive', type, created: opts.created ?? Math.floor(Date.now() / 1000), data: { object }, livemode: false, pending_webhooks: 1 });
    const signature = signer.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? webhookSecret, timestamp: opts.timestamp });
    return { payload, signature, id };
  }

  async function deliver(type: string, object: Record<string, unknown>): Promise<void> {
    const { payload, signature } = signedEvent(type, object);
    await fetch(webhookTarget, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
  }

  const server = await startFakeServer(async (req, res, rec) => {
    const path = rec.path;
    if (req.method === 'GET' && path.startsWith('/checkout/')) {
      const session = sessions.get(path.slice('/checkout/'.length));
      if (!session) return sendJson(res, 404, { error: 'no such session' });
      const html = `<!doctype html><html><head><title>Fake Stripe Checkout</title></head><body style="font-family:sans-serif;max-width:420px;margin:80px auto">
        <h1>Pay for ${session.quantity} seat(s)</h1><p>Test mode checkout (wire-format fake of Stripe).</p>
        <form method="post" action="/checkout/${session.id}/pay"><button type="submit">Subscribe</button></form></body></html>`;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html);
      return;
    }
    if (req.method === 'POST' && /^\/checkout\/[^/]+\/pay$/.test(path)) {
      const session = sessions.get(path.split('/')[2] ?? '');
      if (!session) return sendJson(res, 404, { error: 'no such session' });
      const sub = { id: newId('sub'), customer: session.customer, itemId: newId('si'), quantity: session.quantity, prorations: [] };
      subscriptions.set(sub.id, sub);
      session.completed = true;
      await deliver('checkout.session.completed', { id: session.id, object: 'checkout.session', customer: session.customer, subscription: sub.id, client_reference_id: session.clientReferenceId, status: 'complete' });
      await deliver('invoice.paid', { id: newId('in'), object: 'invoice', customer: session.customer, subscription: sub.id, amount_due: 0, currency: 'usd', period_start: Math.floor(Date.now() / 1000), lines: { object: 'list', data: [{ quantity: session.quantity }] } });
      res.writeHead(303, { location: session.successUrl });
      res.end();
      return;
    }
    if (rec.headers.authorization !== `Bearer ${secretKey}`) {
      return sendJson(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
    }
    const fault = faults.shift();
    if (fault?.kind === 'rate-limit') return sendJson(res, 429, { error: { type: 'rate_limit_error', message: 'Too many requests' } }, { 'retry-after': String(fault.retryAfterSeconds ?? 0) });
    if (fault?.kind === 'server-error') return sendJson(res, 500, { error: { type: 'api_error', message: 'Something went wrong on our end' } });
    if (fault?.kind === 'invalid') return sendJson(res, 400, { error: { type: 'invalid_request_error', message: fault.message } });
    const key = text(rec.headers['idempotency-key']);
    const replay = key ? idempotent.get(key) : undefined;
    if (replay) return sendJson(res, replay.status, replay.body, { 'idempotent-replayed': 'true' });
    const params = parseStripeForm(rec.body.toString('utf8'));
    const answer = (status: number, body: unknown) => {
      if (key) idempotent.set(key, { status, body });
      sendJson(res, status, body);
    };
    if (req.method === 'POST' && path === '/v1/customers') {
      return answer(200, { id: newId('cus'), object: 'customer', name: params.name ?? null, metadata: params.metadata ?? {} });
    }
    if (req.method === 'POST' && path === '/v1/checkout/sessions') {
      const items = params.line_items as Record<string, Record<string, string>> | undefined; // parsed from line_items[0][…]
      const first = items?.['0'];
      const session: Session = {
        id: newId('cs_test'),
        customer: text(params.customer),
        clientReferenceId: text(params.client_reference_id),
        price: text(first?.price),
        quantity: Number(first?.quantity ?? 1),
        successUrl: text(params.success_url),
        completed: false,
      };
      sessions.set(session.id, session);
      return answer(200, { id: session.id, object: 'checkout.session', mode: params.mode, customer: session.customer, client_reference_id: session.clientReferenceId, url: `${base}/checkout/${session.id}`, status: 'open' });
    }
    if (req.method === 'POST' && path === '/v1/billing_portal/sessions') {
      return answer(200, { id: newId('bps'), object: 'billing_portal.session', customer: params.customer, url: `${base}/portal/${text(params.customer)}`, return_url: params.return_url });
    }
    const subMatch = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
    const sub = subMatch ? subscriptions.get(subMatch[1] ?? '') : undefined;
    if (subMatch && !sub) return sendJson(res, 404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such subscription: '${subMatch[1] ?? ''}'` } });
    if (sub) {
      if (req.method === 'POST') {
        const items = params.items as Record<string, Record<string, string>> | undefined; // parsed from items[0][…]
        sub.quantity = Number(items?.['0']?.quantity ?? sub.quantity);
        sub.prorations.push(text(params.proration_behavior));
      }
      return answer(200, { id: sub.id, object: 'subscription', customer: sub.customer, status: 'active', items: { object: 'list', data: [{ id: sub.itemId, object: 'subscription_item', quantity: sub.quantity }] } });
    }
    return sendJson(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method ?? ''}: ${path})` } });
  }, options.port);
  base = server.url;
  return {
    url: server.url,
    secretKey,
    webhookSecret,
    requests: server.requests,
    sessions,
    subscriptions,
    failNext: (...f) => faults.push(...f),
    setWebhookTarget: (url) => {
      webhookTarget = url;
    },
    signedEvent,
    close: () => server.close(),
  };
}
