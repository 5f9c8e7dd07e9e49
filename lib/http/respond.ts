import { logger } from '@/lib/log';
import { reportError } from '@/lib/observability/error-reporting';
import { AppError } from './errors';

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

// The one way an error becomes a response. Anything that is not an AppError is a bug: log it, say nothing.
export function errorResponse(err: unknown, requestId: string): Response {
  if (err instanceof AppError) {
    if (err.code === 'client_closed') logger.info('client closed the request before it was read', { requestId });
    const body: { code: string; message: string; requestId: string; details?: unknown } = {
      code: err.code,
      message: err.message,
      requestId,
    };
    if (err.details !== undefined) body.details = err.details;
    return jsonResponse({ error: body }, err.status, { 'x-request-id': requestId, ...err.headers });
  }
  logger.error('unhandled error', {
    requestId,
    error: err instanceof Error ? err.message : String(err),
    stack: err instanceof Error ? err.stack : undefined,
  });
  reportError(err, { requestId });
  return jsonResponse(
    { error: { code: 'internal', message: 'Something went wrong on our side. Quote the request id when reporting it.', requestId } },
    500,
    { 'x-request-id': requestId },
  );
}
