import { createHash } from 'node:crypto';
import { z } from 'zod';
import { recordAccountEvent, recordSignIn, type RequestFacts } from '@/lib/audit/events';
import { parseJsonBody } from '@/lib/http/body';
import { clientIp, requestIdFor, userAgent } from '@/lib/http/request-meta';
import { assertSameOrigin } from '@/lib/http/route';
import { assertWritable } from '@/lib/maintenance';
import { errorResponse, jsonResponse } from '@/lib/http/respond';
import { enforceLimits, getLimiters } from '@/lib/ratelimit/limits';
import { getAuth } from './auth';
import { assertPasswordSignInAllowed } from '@/lib/sso/enforcement';
import { requestPasswordReset, RESET_REQUEST_ANSWER, resetRequestSchema } from './password-reset';

const P = '/api/auth';
const SIGN_IN_PATH = `${P}/sign-in/email`;
const RESET_REQUEST_PATH = `${P}/request-password-reset`;
const SEND_VERIFICATION_PATH = `${P}/send-verification-email`;
const SECOND_FACTOR_PATHS: Record<string, string> = { [`${P}/two-factor/verify-totp`]: 'totp', [`${P}/two-factor/verify-backup-code`]: 'backup_code' };
// Everything that takes a password, a code or a token: one per-IP budget (RATE_LIMIT_AUTH_PER_MINUTE) for guessing.
const CREDENTIAL_PATHS = new Set([
  SIGN_IN_PATH,
  `${P}/sign-up/email`,
  `${P}/reset-password`,
  `${P}/change-password`,
  `${P}/change-email`,
  `${P}/two-factor/enable`,
  `${P}/two-factor/disable`,
  `${P}/two-factor/generate-backup-codes`,
  RESET_REQUEST_PATH,
  SEND_VERIFICATION_PATH,
  ...Object.keys(SECOND_FACTOR_PATHS),
]);
// Account changes audited in every organization of the account, once better-auth answered 200.
const AUDITED_CHANGES: Record<string, string> = {
  [`${P}/change-password`]: 'auth.passwordChanged',
  [`${P}/change-email`]: 'auth.emailChangeRequested',
  [`${P}/two-factor/disable`]: 'auth.mfaDisabled',
  [`${P}/two-factor/generate-backup-codes`]: 'auth.backupCodesRegenerated',
};
const MAX_BODY = 16 * 1024;

const namedEmail = z.object({ email: z.string().min(1).max(320) });

// The address a request named, read from a copy of the body (better-auth consumes the original).
async function attemptedEmail(req: Request): Promise<string | null> {
  try {
    const text = await req.clone().text();
    if (text.length > MAX_BODY) return null;
    const parsed = namedEmail.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.email : null;
  } catch {
    return null;
  }
}

async function jsonOf(res: Response): Promise<Record<string, unknown> | null> {
  try {
    const body: unknown = await res.clone().json();
    return body && typeof body === 'object' ? { ...body } : null;
  } catch {
    return null;
  }
}

const userInBody = z.object({ user: z.object({ id: z.string(), email: z.string(), twoFactorEnabled: z.boolean().optional() }) });

// Per recipient address, hashed so that the limiter's store (KV) holds no addresses.
const addressKey = (email: string) => `email:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32)}`;

function factsOf(req: Request, requestId: string, route: string): RequestFacts {
  return { requestId, ip: clientIp(req), userAgent: userAgent(req), method: req.method, route };
}

// The signed-in user before a session-bound change, for its audit entry (only on the few audited paths).
async function sessionUser(req: Request): Promise<{ id: string; email: string; twoFactorEnabled: boolean } | null> {
  const found = await (await getAuth()).api.getSession({ headers: req.headers, query: { disableCookieCache: true } });
  return found ? { id: found.user.id, email: found.user.email, twoFactorEnabled: found.user.twoFactorEnabled === true } : null;
}

// Refused before better-auth sees the password, and audited as a failed password sign-in (status 403).
async function refuseIfSsoRequired(email: string, facts: RequestFacts): Promise<void> {
  try {
    await assertPasswordSignInAllowed(email);
  } catch (err) {
    await recordSignIn({ email, succeeded: false, status: 403, facts });
    throw err;
  }
}

// "Forgot password" never reaches better-auth's endpoint from outside: the answer and the work are the same for
// every address (lib/auth/password-reset.ts), after the per-IP and per-address limits.
async function handleResetRequest(req: Request, headers: Record<string, string>): Promise<Response> {
  const body = await parseJsonBody(req, resetRequestSchema, MAX_BODY);
  Object.assign(headers, await enforceLimits([{ limiter: getLimiters().emailAddress, key: addressKey(body.email) }]));
  await requestPasswordReset(body);
  return jsonResponse(RESET_REQUEST_ANSWER, 200, headers);
}

// better-auth's own handler, behind
// - our same-origin rule for every write: better-auth checks Origin only when a cookie is sent, which leaves a
//   cross-site sign-in into the attacker's account (login CSRF) open;
// - our stricter limiter for everything that takes a credential (per client IP; fail-closed when the limits live in
//   an unreachable KV, lib/ratelimit/limits.ts), keyed by IP rather than by email so that an attacker cannot lock a
//   victim out by guessing at their address; emails an anonymous caller can trigger are also limited per address.
// Every password sign-in, successful or not, its second factor, and every change to an account are audited
// (lib/audit/events.ts says where); a password reset is audited by its better-auth hook (lib/auth/auth.ts).
export async function handleAuthRequest(req: Request): Promise<Response> {
  const requestId = requestIdFor(req);
  try {
    const path = new URL(req.url).pathname;
    // Maintenance pauses sign-ups (lib/maintenance/policy.ts); sign-in and sign-out stay open.
    await assertWritable(req);
    const post = req.method === 'POST';
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS') assertSameOrigin(req);
    const headers: Record<string, string> = {};
    if (post && CREDENTIAL_PATHS.has(path)) Object.assign(headers, await enforceLimits([{ limiter: getLimiters().auth, key: `signin:${clientIp(req)}` }]));
    if (post && path === RESET_REQUEST_PATH) return await handleResetRequest(req, headers);
    if (post && path === SEND_VERIFICATION_PATH) {
      const email = await attemptedEmail(req);
      if (email) Object.assign(headers, await enforceLimits([{ limiter: getLimiters().emailAddress, key: addressKey(email) }]));
    }
    const email = post && path === SIGN_IN_PATH ? await attemptedEmail(req) : null;
    // An organization that requires SSO for the address's domain refuses its password (lib/sso/enforcement.ts).
    if (email) await refuseIfSsoRequired(email, factsOf(req, requestId, path));
    const audited = post ? AUDITED_CHANGES[path] : undefined;
    const secondFactor = post ? SECOND_FACTOR_PATHS[path] : undefined;
    const before = audited || secondFactor ? await sessionUser(req) : null;

    const res = await (await getAuth()).handler(req);
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    const facts = factsOf(req, requestId, path);
    if (email) {
      const pending = res.status === 200 && (await jsonOf(res))?.twoFactorRedirect === true;
      await recordSignIn({ email, succeeded: res.status === 200, status: res.status, facts, secondFactorPending: pending });
    }
    if (res.status === 200 && audited && before) await recordAccountEvent({ user: before, action: audited, facts });
    if (res.status === 200 && secondFactor) {
      const parsed = userInBody.safeParse(await jsonOf(res));
      // With a session this was enrolment (the first code turns MFA on); without, the second step of a sign-in.
      if (before && !before.twoFactorEnabled) await recordAccountEvent({ user: before, action: 'auth.mfaEnabled', facts });
      else if (!before && parsed.success) await recordAccountEvent({ user: parsed.data.user, action: 'auth.signIn', facts, metadata: { method: secondFactor, status: 200 } });
    }
    return res;
  } catch (err) {
    return errorResponse(err, requestId);
  }
}
