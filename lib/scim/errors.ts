import { AppError } from '@/lib/http/errors';

// SCIM answers errors in its own shape (RFC 7644 §3.12), never in the /api/v1 one: identity providers read
// `status` and `scimType` to decide whether to retry, skip or link a user.
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export class ScimError extends Error {
  readonly status: number;
  readonly scimType?: ScimType;
  readonly headers?: Record<string, string>;

  constructor(status: number, detail: string, scimType?: ScimType, headers?: Record<string, string>) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
    this.headers = headers;
  }
}

export const invalidFilter = (detail: string) => new ScimError(400, detail, 'invalidFilter');
export const invalidValue = (detail: string) => new ScimError(400, detail, 'invalidValue');
export const invalidSyntax = (detail: string) => new ScimError(400, detail, 'invalidSyntax');
export const invalidPath = (detail: string) => new ScimError(400, detail, 'invalidPath');
export const noTarget = (detail: string) => new ScimError(400, detail, 'noTarget');
export const mutability = (detail: string) => new ScimError(400, detail, 'mutability');
export const uniqueness = (detail: string) => new ScimError(409, detail, 'uniqueness');
export const scimNotFound = (what: string, id: string) => new ScimError(404, `${what} ${id} not found`);

export function scimErrorBody(status: number, detail: string, scimType?: ScimType) {
  return { schemas: [SCIM_ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail };
}

// What an AppError from shared code (a quota, the maintenance switch, a rate limit) means to an identity provider.
export function fromAppError(err: AppError): ScimError {
  if (err.status === 422) return new ScimError(400, err.message, 'invalidValue', err.headers);
  if (err.code === 'invalid_json') return new ScimError(400, err.message, 'invalidSyntax', err.headers);
  // A plan's member quota is not a passing overload: a 429 would only make the identity provider retry forever.
  if (err.code === 'quota_exceeded') return new ScimError(403, err.message);
  return new ScimError(err.status, err.message, undefined, err.headers);
}

// PostgreSQL's unique_violation: a concurrent request created the same userName, externalId or group name
// between our check and our insert.
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = 'cause' in e ? e.cause : undefined) {
    if ('code' in e && e.code === '23505') return true;
  }
  return false;
}
