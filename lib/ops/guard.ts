import { resolveOptionalSession } from '@/lib/auth/principal';
import { isOperator } from './operators';

// Who may use the operator console (/ops, /api/ops/*): a signed-in user holding the operator role, with TOTP on.
// Everyone else learns nothing: the console answers 404 as if it did not exist. An operator without two-factor
// authentication is the one exception: they are sent to enrol (/app/profile) before anything works.

export const MFA_ENROL_PATH = '/app/profile';

export type OperatorGate =
  | { kind: 'none' }
  | { kind: 'needs_mfa'; userId: string; email: string }
  | { kind: 'operator'; userId: string; email: string; name: string; sessionId: string };

export async function resolveOperator(req: Request): Promise<OperatorGate> {
  // A bearer API key is never an operator: only a person's own session is.
  if (req.headers.get('authorization')) return { kind: 'none' };
  const principal = await resolveOptionalSession(req);
  if (!principal || principal.kind !== 'user') return { kind: 'none' };
  if (!(await isOperator(principal.userId))) return { kind: 'none' };
  if (!principal.twoFactorEnabled) return { kind: 'needs_mfa', userId: principal.userId, email: principal.email };
  return { kind: 'operator', userId: principal.userId, email: principal.email, name: principal.name, sessionId: principal.sessionId };
}
