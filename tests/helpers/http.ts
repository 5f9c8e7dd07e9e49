import { randomUUID } from 'node:crypto';
import { getAuth } from '@/lib/auth/auth';
import { PEER_ADDRESS_HEADER } from '@/lib/http/request-meta';
import { provisionTenant } from '@/lib/tenancy/provision';

export const BASE = 'http://localhost:3000';

type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export interface CallOptions {
  method?: string;
  path: string;
  body?: unknown;
  /** Sent as is; a ReadableStream is streamed (no Content-Length unless given in headers). */
  rawBody?: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  as?: Identity;
  /** The origin the request is sent to (default BASE), e.g. an https deployment. */
  base?: string;
}

export type Identity = { cookie: string; tenantId?: string } | { apiKey: string };

export async function call(handler: RouteHandler, opts: CallOptions): Promise<{ status: number; body: any; headers: Headers }> {
  // What the server stamps from the TCP socket (lib/http/peer-address.ts); a test can name another client.
  const headers: Record<string, string> = { [PEER_ADDRESS_HEADER]: '10.0.0.1', ...opts.headers };
  if (opts.as && 'apiKey' in opts.as) headers.authorization = `Bearer ${opts.as.apiKey}`;
  if (opts.as && 'cookie' in opts.as) {
    headers.cookie = opts.as.cookie;
    headers.origin = BASE;
    if (opts.as.tenantId) headers['x-tenant-id'] = opts.as.tenantId;
  }
  let body: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  // A streamed body needs duplex 'half' (undici); the DOM RequestInit type does not know it yet.
  const init: RequestInit & { duplex?: 'half' } = { method: opts.method ?? 'GET', headers, body };
  if (body instanceof ReadableStream) init.duplex = 'half';
  const req = new Request(`${opts.base ?? BASE}${opts.path}`, init);
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.test`;
}

// What following the verification email's link does (tests/auth/email-flows.test.ts follows the real link), for
// tests that are about something else: people join organizations only with a verified address.
export async function markEmailVerified(userId: string): Promise<void> {
  const ctx = await (await getAuth()).$context;
  await ctx.internalAdapter.updateUser(userId, { emailVerified: true });
}

// Signs a user up through better-auth's real HTTP handler and returns the session cookie. The address counts as
// verified unless `verified: false`.
export async function signUp(email = uniqueEmail(), password = 'correct horse battery', name = 'Test User', opts: { verified?: boolean } = {}) {
  const auth = await getAuth();
  const res = await auth.handler(
    new Request(`${BASE}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: BASE },
      body: JSON.stringify({ email, password, name }),
    }),
  );
  if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const json = (await res.json()) as { user: { id: string } };
  if (opts.verified !== false) await markEmailVerified(json.user.id);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { email, password, userId: json.user.id, cookie };
}

export async function provision(
  name = `Org ${randomUUID().slice(0, 6)}`,
  ownerEmail = uniqueEmail('owner'),
  plan: 'standard' | 'professional' | 'enterprise' = 'standard',
) {
  const result = await provisionTenant({ name, ownerEmail, plan, ownerPassword: 'correct horse battery' });
  return { ...result, apiKey: result.apiKey.secret, tenantId: result.tenant.id, ownerEmail };
}

function sessionCookie(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

// Signs an existing user in through better-auth's handler: a second, independent session.
export async function signIn(email: string, password = 'correct horse battery') {
  const auth = await getAuth();
  const res = await auth.handler(
    new Request(`${BASE}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: BASE },
      body: JSON.stringify({ email, password }),
    }),
  );
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return { cookie: sessionCookie(res) };
}
