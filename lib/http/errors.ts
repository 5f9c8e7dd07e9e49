import { z } from 'zod';

export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  invalid_id: 400,
  unauthenticated: 401,
  // The organization is suspended for an unpaid invoice (lib/billing/enforce.ts); the message names the fix.
  payment_required: 402,
  sso_failed: 401,
  forbidden: 403,
  // The organization's security policy asks for something this member has not done yet (details.nextStep says what).
  mfa_required: 403,
  email_verification_required: 403,
  email_not_verified: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  limit_reached: 422,
  rate_limited: 429,
  quota_exceeded: 429,
  internal: 500,
  // nginx's convention: the client went away before we could answer. Nobody reads the response.
  client_closed: 499,
  maintenance: 503,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

// The one typed error of the application. Domain code throws it; lib/http/respond.ts turns it into a response.
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, opts: { details?: unknown; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = opts.details;
    this.headers = opts.headers;
  }
}

export const notFound = (what = 'Resource') => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'You do not have permission to do this') => new AppError('forbidden', message);
export const conflict = (message: string, details?: unknown) => new AppError('conflict', message, { details });
export const badRequest = (message: string) => new AppError('bad_request', message);
export const unauthenticated = (message = 'Sign in or send an API key') => new AppError('unauthenticated', message);

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

export function validationError(error: z.ZodError, where: string): AppError {
  const issues = error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    message: i.message,
  }));
  const first = issues[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'invalid input';
  return new AppError('validation_failed', `Invalid ${where}: ${summary}`, { details: { issues } });
}
