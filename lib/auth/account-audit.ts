import { randomUUID } from 'node:crypto';
import { recordAccountEvent, type RequestFacts } from '@/lib/audit/events';
import { clientIp, requestIdFor, userAgent } from '@/lib/http/request-meta';

// Request facts for an audit entry written from a better-auth hook (which may be called without a request, from a
// server-side call such as the password-reset function).
export function factsOf(req: Request | undefined, route: string): RequestFacts {
  if (!req) return { requestId: randomUUID(), ip: 'server', userAgent: '', method: 'POST', route };
  return { requestId: requestIdFor(req), ip: clientIp(req), userAgent: userAgent(req), method: req.method, route };
}

export function recordPasswordReset(user: { userId: string; email: string }, req: Request | undefined): Promise<void> {
  return recordAccountEvent({
    user: { id: user.userId, email: user.email },
    action: 'auth.passwordReset',
    facts: factsOf(req, '/api/auth/reset-password'),
    metadata: { sessionsRevoked: true },
  });
}
