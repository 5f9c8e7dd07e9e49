// What maintenance mode blocks. The route wrappers (lib/http/route.ts) and the auth handler enforce it through
// assertWritable(); no Next proxy repeats the check in front of them: it would run on every API request and
// cost more than the check itself (docs/performance.md).

export const MAINTENANCE_RETRY_AFTER_SECONDS = 300;
export const DEFAULT_MAINTENANCE_MESSAGE =
  'Reflex is undergoing maintenance: reading works, changes are paused. Please try again in a few minutes.';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// Writes to the tenant API (and SCIM provisioning) and new sign-ups. Sign-in and sign-out stay open (they change no business data),
// as do /status, health, metrics, the pipelines endpoint and the platform API (operators must be able to switch
// maintenance off again).
export function isGuardedWrite(method: string, pathname: string): boolean {
  if (!WRITE_METHODS.has(method.toUpperCase())) return false;
  if (pathname === '/api/v1' || pathname.startsWith('/api/v1/')) return true;
  if (pathname.startsWith('/api/scim/')) return true;
  return pathname.startsWith('/api/auth/sign-up');
}
