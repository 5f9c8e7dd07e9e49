// What maintenance mode blocks, with no imports beyond Web APIs: proxy.ts uses it and must not pull the
// database drivers into its bundle.

export const MAINTENANCE_RETRY_AFTER_SECONDS = 300;
export const DEFAULT_MAINTENANCE_MESSAGE =
  'Reflex is undergoing maintenance: reading works, changes are paused. Please try again in a few minutes.';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// Writes to the tenant API and new sign-ups. Sign-in and sign-out stay open (they change no business data),
// as do /status, health, metrics, the pipelines endpoint and the platform API (operators must be able to switch
// maintenance off again).
export function isGuardedWrite(method: string, pathname: string): boolean {
  if (!WRITE_METHODS.has(method.toUpperCase())) return false;
  if (pathname === '/api/v1' || pathname.startsWith('/api/v1/')) return true;
  return pathname.startsWith('/api/auth/sign-up');
}

export function maintenanceFromEnv(source: Record<string, string | undefined>): boolean {
  const v = source.MAINTENANCE_MODE;
  return v === '1' || v === 'true';
}

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{8,64}$/;

// The same body and headers as an AppError('maintenance') through lib/http/respond.ts.
export function maintenanceResponse(req: Request, message = DEFAULT_MAINTENANCE_MESSAGE): Response {
  const incoming = req.headers.get('x-request-id');
  const requestId = incoming && REQUEST_ID_RE.test(incoming) ? incoming : crypto.randomUUID();
  return new Response(JSON.stringify({ error: { code: 'maintenance', message, requestId } }), {
    status: 503,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'retry-after': String(MAINTENANCE_RETRY_AFTER_SECONDS),
      'x-request-id': requestId,
    },
  });
}
