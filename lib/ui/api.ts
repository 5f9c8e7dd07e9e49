// Browser-side calls to our own API. The session cookie rides along (same origin), and the browser adds the
// Origin header that the API's CSRF check and better-auth expect.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId?: string;
  // The error's `details` (a 409 duplicate names the existing document there, for instance).
  readonly details?: unknown;

  constructor(status: number, code: string, message: string, requestId?: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = details;
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null;
}

function fallbackMessage(status: number, retryAfter?: string | null): string {
  if (status === 429) {
    const seconds = Number(retryAfter);
    return seconds > 0 ? `Too many attempts. Try again in ${seconds} s.` : 'Too many attempts. Wait a minute and try again.';
  }
  if (status === 401) return 'You are signed out. Sign in again.';
  if (status === 403) return 'You do not have permission to do this.';
  if (status >= 500) return 'Something went wrong on our side. Try again in a moment.';
  return `Request failed (${status})`;
}

// Our API answers {error:{code,message,requestId}}; better-auth answers {code,message}. Both become ApiError.
// A 429 gets our own wording (with the Retry-After delay) whatever the body says.
export function toApiError(status: number, body: unknown, retryAfter?: string | null): ApiError {
  const inner = isObject(body) && isObject(body.error) ? body.error : body;
  if (!isObject(inner)) return new ApiError(status, status === 429 ? 'rate_limited' : 'http_error', fallbackMessage(status, retryAfter));
  const code = typeof inner.code === 'string' ? inner.code : 'http_error';
  const requestId = typeof inner.requestId === 'string' ? inner.requestId : undefined;
  if (status === 429) return new ApiError(status, code, fallbackMessage(status, retryAfter), requestId);
  const message = typeof inner.message === 'string' && inner.message ? inner.message : fallbackMessage(status);
  return new ApiError(status, code, message, requestId, inner.details);
}

// `tenantId` works in that organization for this one call (x-tenant-id) instead of the session's active one.
export async function api<T>(path: string, init: { method?: string; body?: unknown; tenantId?: string } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.tenantId) headers['x-tenant-id'] = init.tenantId;
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    cache: 'no-store',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) throw toApiError(res.status, parsed, res.headers.get('retry-after'));
  // The server validated this body against the operation's response schema before sending it.
  return parsed as T;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof TypeError) return 'Could not reach the server. Check your connection and try again.';
  return err instanceof Error ? err.message : 'Something went wrong.';
}

export const signOut = () => api<unknown>('/api/auth/sign-out', { method: 'POST', body: {} });
