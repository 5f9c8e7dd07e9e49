import { clientIp, requestIdFor } from '@/lib/http/request-meta';
import { errorResponse } from '@/lib/http/respond';
import { enforceLimits, getLimiters } from '@/lib/ratelimit/limits';
import { getAuth } from './auth';

const CREDENTIAL_PATHS = ['/api/auth/sign-in/email', '/api/auth/sign-up/email'];

// better-auth's own handler, behind our stricter sign-in/sign-up limiter (per client IP). Keyed by IP rather
// than by email so that an attacker cannot lock a victim out by guessing at their address.
export async function handleAuthRequest(req: Request): Promise<Response> {
  const requestId = requestIdFor(req);
  try {
    const path = new URL(req.url).pathname;
    let headers: Record<string, string> = {};
    if (req.method === 'POST' && CREDENTIAL_PATHS.includes(path)) {
      headers = await enforceLimits([{ limiter: getLimiters().auth, key: `signin:${clientIp(req)}` }]);
    }
    const auth = await getAuth();
    const res = await auth.handler(req);
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  } catch (err) {
    return errorResponse(err, requestId);
  }
}
