import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { getEnv } from '@/lib/env';

import { currentTraceId } from '@/lib/tracing';

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{8,64}$/;

// Set by the server process itself (lib/http/peer-address.ts) from the TCP socket, after deleting any copy the
// client sent: the one address a client cannot choose.
export const PEER_ADDRESS_HEADER = 'x-reflex-peer-address';
// What an address we cannot know is counted as (a direct call without a server, e.g. a test harness).
export const UNKNOWN_CLIENT = 'unknown';

// The caller's own id when it sent a sane one; else the trace id, so that the requestId an error response quotes
// finds the trace and every log line of the request; else a fresh id (nothing traced).
export function requestIdFor(req: Request): string {
  const incoming = req.headers.get('x-request-id');
  if (incoming && REQUEST_ID_RE.test(incoming)) return incoming;
  return currentTraceId() ?? randomUUID();
}

function normalizeAddress(raw: string | null | undefined): string | null {
  const value = raw?.trim().replace(/^\[|\]$/g, '');
  if (!value) return null;
  // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d.
  const unmapped = value.startsWith('::ffff:') && isIP(value.slice(7)) === 4 ? value.slice(7) : value;
  return isIP(unmapped) ? unmapped : null;
}

// The client's address, trusting forwarded headers only as far as configured:
// - on Vercel, the platform's own header (Vercel overwrites it; a client cannot set it);
// - with TRUSTED_PROXY_HOPS = n > 0, the n-th address from the right of X-Forwarded-For: each trusted proxy appends
//   the address it saw, so everything left of that was written by the client and proves nothing;
// - otherwise (the default) the TCP peer, whatever the headers say.
// Rate limits (sign-in guessing above all) and audit entries key on this, so it must not be spoofable.
export function clientIp(req: Request): string {
  const env = getEnv();
  if (env.VERCEL) {
    return normalizeAddress(req.headers.get('x-vercel-forwarded-for')) ?? normalizeAddress(req.headers.get('x-real-ip')) ?? UNKNOWN_CLIENT;
  }
  if (env.TRUSTED_PROXY_HOPS > 0) {
    const chain = (req.headers.get('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const hop = chain[chain.length - env.TRUSTED_PROXY_HOPS];
    return normalizeAddress(hop) ?? normalizeAddress(req.headers.get(PEER_ADDRESS_HEADER)) ?? UNKNOWN_CLIENT;
  }
  return normalizeAddress(req.headers.get(PEER_ADDRESS_HEADER)) ?? UNKNOWN_CLIENT;
}

export function userAgent(req: Request): string {
  return (req.headers.get('user-agent') ?? '').slice(0, 512);
}

// Links we hand out (invitations) point at the configured public URL, or else at the host the caller used.
export function appBaseUrl(req: Request): string {
  return (getEnv().APP_URL ?? new URL(req.url).origin).replace(/\/$/, '');
}
