import { AppError } from '@/lib/http/errors';

// Why an SSO sign-in was refused: the reason travels to the error page (/sso/error?reason=…) and the audit entry.
export const SSO_FAILURE_MESSAGES = {
  invalid_state: 'This sign-in link is not valid. Start signing in again.',
  state_expired: 'This sign-in took too long. Start signing in again.',
  state_used: 'This sign-in was already completed. Start signing in again.',
  browser_mismatch: 'This sign-in was started in another browser. Start signing in again here.',
  no_connection: 'Single sign-on is not set up for this address. Sign in with your password, or ask your administrator.',
  connection_disabled: "Your organization's single sign-on connection is turned off. Ask your administrator.",
  idp_unreachable: 'Your identity provider could not be reached. Try again in a minute, or ask your administrator.',
  idp_error: 'Your identity provider refused the sign-in.',
  issuer_mismatch: 'The sign-in came from a different identity provider than the one configured.',
  audience_mismatch: 'The sign-in was issued for a different application than this one.',
  token_expired: 'The sign-in was too old or from the future (check the clocks of your identity provider). Start again.',
  token_invalid: 'The identity provider sent a sign-in that could not be verified.',
  replayed: 'This sign-in response was already used.',
  email_missing: 'Your identity provider did not send an email address.',
  email_unverified: 'Your identity provider says your email address is not verified.',
  email_domain: "Your email address is not in one of your organization's verified domains.",
  not_provisioned: 'You do not have an account in this organization yet. Ask your administrator to invite you.',
  provisioning_failed: 'Your account could not be set up in this organization. Ask your administrator.',
} as const;

export type SsoFailureReason = keyof typeof SSO_FAILURE_MESSAGES;

export function ssoFailure(reason: SsoFailureReason, detail?: string): AppError {
  return new AppError('sso_failed', SSO_FAILURE_MESSAGES[reason], { details: { reason, ...(detail ? { detail } : {}) } });
}

export function failureReasonOf(err: unknown): SsoFailureReason | null {
  if (!(err instanceof AppError) || err.code !== 'sso_failed') return null;
  const details = err.details;
  if (details && typeof details === 'object' && 'reason' in details && typeof details.reason === 'string' && details.reason in SSO_FAILURE_MESSAGES) {
    // Checked against the table's keys on the line above.
    return details.reason as SsoFailureReason;
  }
  return null;
}

export function isFailureReason(value: string): value is SsoFailureReason {
  return value in SSO_FAILURE_MESSAGES;
}
