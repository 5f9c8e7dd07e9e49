import { timingSafeEqual } from 'node:crypto';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/http/errors';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// Scrapers send `Authorization: Bearer <METRICS_TOKEN>`. Without a token the endpoint is open only outside
// production (development, tests): in production (NODE_ENV=production) it answers 404 until METRICS_TOKEN is set,
// so a deployment never publishes its traffic, error rates and AI spend by default.
export function assertMetricsAccess(req: Request): void {
  const env = getEnv();
  const expected = env.METRICS_TOKEN;
  if (!expected) {
    if (env.NODE_ENV === 'production') throw new AppError('not_found', 'Not found: set METRICS_TOKEN to enable /api/metrics');
    return;
  }
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '');
  if (!match?.[1] || !sameToken(match[1], expected)) {
    throw new AppError('unauthenticated', 'Send Authorization: Bearer <METRICS_TOKEN>', {
      headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
    });
  }
}
