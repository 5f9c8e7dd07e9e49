import { randomUUID } from 'node:crypto';
import { getEnv } from '@/lib/env';

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{8,64}$/;

export function requestIdFor(req: Request): string {
  const incoming = req.headers.get('x-request-id');
  return incoming && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
}

// The first X-Forwarded-For hop is the client as seen by the platform's edge (Vercel sets it).
export function clientIp(req: Request): string {
  const forwarded = req.headers.get('x-forwarded-for');
  const first = forwarded?.split(',')[0]?.trim();
  return first || req.headers.get('x-real-ip') || '127.0.0.1';
}

export function userAgent(req: Request): string {
  return (req.headers.get('user-agent') ?? '').slice(0, 512);
}

// Links we hand out (invitations) point at the configured public URL, or else at the host the caller used.
export function appBaseUrl(req: Request): string {
  return (getEnv().APP_URL ?? new URL(req.url).origin).replace(/\/$/, '');
}
