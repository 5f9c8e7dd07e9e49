import { timingSafeEqual } from 'node:crypto';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/http/errors';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// With METRICS_TOKEN set, scrapers must send `Authorization: Bearer <token>`; without it the endpoint is open
// (the series carry no tenant data), and `npm run doctor` warns about that on Vercel.
export function assertMetricsAccess(req: Request): void {
  const expected = getEnv().METRICS_TOKEN;
  if (!expected) return;
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '');
  if (!match?.[1] || !sameToken(match[1], expected)) {
    throw new AppError('unauthenticated', 'Send Authorization: Bearer <METRICS_TOKEN>', {
      headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
    });
  }
}
