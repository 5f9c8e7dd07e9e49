import { z } from 'zod';
import { recordSignIn } from '@/lib/audit/events';
import { clientIp, requestIdFor, userAgent } from '@/lib/http/request-meta';
import { assertSameOrigin } from '@/lib/http/route';
import { assertWritable } from '@/lib/maintenance';
import { errorResponse } from '@/lib/http/respond';
import { enforceLimits, getLimiters } from '@/lib/ratelimit/limits';
import { getAuth } from './auth';

const SIGN_IN_PATH = '/api/auth/sign-in/email';
const CREDENTIAL_PATHS = [SIGN_IN_PATH, '/api/auth/sign-up/email'];
const MAX_SIGN_IN_BODY = 16 * 1024;

const signInEmail = z.object({ email: z.string().min(1).max(320) });

// The address a sign-in attempt named, read from a copy of the body (better-auth consumes the original).
async function attemptedEmail(req: Request): Promise<string | null> {
  try {
    const text = await req.clone().text();
    if (text.length > MAX_SIGN_IN_BODY) return null;
    const parsed = signInEmail.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.email : null;
  } catch {
    return null;
  }
}

// better-auth's own handler, behind
// - our same-origin rule for every write: better-auth checks Origin only when a cookie is sent, which leaves a
//   cross-site sign-in into the attacker's account (login CSRF) open;
// - our stricter sign-in/sign-up limiter (per client IP; fail-closed when the limits live in an unreachable KV,
//   lib/ratelimit/limits.ts), keyed by IP rather than by email so that an attacker cannot lock a victim out by
//   guessing at their address.
// Every password sign-in, successful or not, is audited (lib/audit/events.ts says where).
export async function handleAuthRequest(req: Request): Promise<Response> {
  const requestId = requestIdFor(req);
  try {
    const path = new URL(req.url).pathname;
    // Maintenance pauses sign-ups (lib/maintenance/policy.ts); sign-in and sign-out stay open.
    await assertWritable(req);
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS') assertSameOrigin(req);
    let headers: Record<string, string> = {};
    if (req.method === 'POST' && CREDENTIAL_PATHS.includes(path)) {
      headers = await enforceLimits([{ limiter: getLimiters().auth, key: `signin:${clientIp(req)}` }]);
    }
    const signingIn = req.method === 'POST' && path === SIGN_IN_PATH;
    const email = signingIn ? await attemptedEmail(req) : null;
    const auth = await getAuth();
    const res = await auth.handler(req);
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    if (email) {
      await recordSignIn({
        email,
        succeeded: res.status === 200,
        status: res.status,
        facts: { requestId, ip: clientIp(req), userAgent: userAgent(req), method: req.method, route: SIGN_IN_PATH },
      });
    }
    return res;
  } catch (err) {
    return errorResponse(err, requestId);
  }
}
