import type { Breadcrumb, ErrorEvent, init, RequestEventData } from '@sentry/nextjs';

// What an error report may carry to Sentry: the error, the route, the release, ids. Not who (emails, IP
// addresses), not what they sent (request bodies, query strings), not their credentials (cookies, authorization
// headers, API keys). Runs as beforeSend and beforeBreadcrumb on the server and in the browser, so it must stay
// free of Node APIs.

// What the SDK collects in the first place (scrubEvent then cleans what got through): no user fields, cookies,
// bodies, query strings, response headers, AI inputs or outputs, SQL data or local variables.
export const SENTRY_DATA_COLLECTION = {
  userInfo: false,
  cookies: false,
  httpBodies: [],
  urlQueryParams: false,
  httpHeaders: { request: { deny: ['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'x-platform-token'] }, response: false },
  genAI: { inputs: false, outputs: false },
  databaseQueryData: false,
  stackFrameVariables: false,
} satisfies NonNullable<Parameters<typeof init>[0]>['dataCollection'];

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-platform-token']);
const REDACTED_EMAIL = '[email]';
// Keys whose values are personal whatever they look like.
const PERSONAL_KEYS = new Set(['email', 'ip_address', 'ip', 'cookies', 'password', 'token']);

type Json = unknown;

function scrubValue(value: Json, depth: number): Json {
  if (typeof value === 'string') return value.replace(EMAIL, REDACTED_EMAIL);
  if (depth > 12 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) {
    if (PERSONAL_KEYS.has(k.toLowerCase())) continue;
    out[k] = scrubValue(v, depth + 1);
  }
  return out;
}

function scrubRequest(request: RequestEventData): RequestEventData {
  const { data: _body, cookies: _cookies, query_string: _query, headers, url, ...rest } = request;
  const kept: RequestEventData = { ...rest };
  if (url !== undefined) kept.url = url.split('?')[0];
  if (headers) {
    kept.headers = {};
    for (const [name, value] of Object.entries(headers)) if (!SECRET_HEADERS.has(name.toLowerCase())) kept.headers[name] = value;
  }
  return kept;
}

// A copy of the event without personal data; the user keeps only an opaque id.
export function scrubEvent(event: ErrorEvent): ErrorEvent {
  const { user, request, ...rest } = event;
  // scrubValue keeps the shape of what it walks: objects stay objects with the same non-personal keys.
  const out = scrubValue(rest, 0) as ErrorEvent;
  if (user?.id !== undefined) out.user = { id: user.id };
  if (request) out.request = scrubValue(scrubRequest(request), 0) as RequestEventData;
  return out;
}

// Breadcrumbs record console lines and fetches: the same rules, and a fetched URL loses its query string.
export function scrubBreadcrumb(crumb: Breadcrumb): Breadcrumb {
  // As above: same shape back.
  const out = scrubValue(crumb, 0) as Breadcrumb;
  const url: unknown = out.data?.url;
  if (out.data && typeof url === 'string') out.data = { ...out.data, url: url.split('?')[0] };
  return out;
}
