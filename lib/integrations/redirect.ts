import type { RedirectOutcome } from './connect-flow';

// 302 (not 303/307): a browser navigation that follows with GET, the status OAuth providers and browsers expect.
export function redirectResponse(outcome: RedirectOutcome): Response {
  const headers = new Headers({ location: outcome.location, 'cache-control': 'no-store' });
  if (outcome.setCookie) headers.append('set-cookie', outcome.setCookie);
  return new Response(null, { status: 302, headers });
}
