import { timingSafeEqual } from 'node:crypto';
import { getEnv } from '@/lib/env';
import { enforceLimits, getLimiters } from '@/lib/ratelimit/limits';
import { AppError } from './errors';
import type { Operation } from './operation';
import { clientIp, requestIdFor } from './request-meta';
import { errorResponse, jsonResponse } from './respond';
import { parseJsonBody } from './body';
import type { z } from 'zod';

type Out<O, K extends 'body'> = O extends { [P in K]: infer S extends z.ZodType } ? z.output<S> : undefined;

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// Operator endpoints: authorised by PLATFORM_ADMIN_TOKEN, and invisible (404) when no token is configured.
export function platformRoute<O extends Operation>(op: O, handler: (ctx: { body: Out<O, 'body'>; requestId: string }) => Promise<unknown>) {
  return async (req: Request): Promise<Response> => {
    const requestId = requestIdFor(req);
    try {
      const expected = getEnv().PLATFORM_ADMIN_TOKEN;
      if (!expected) throw new AppError('not_found', 'Not found');
      const headers = await enforceLimits([{ limiter: getLimiters().auth, key: `platform:${clientIp(req)}` }]);
      const match = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '');
      if (!match?.[1] || !tokenMatches(match[1], expected)) throw new AppError('unauthenticated', 'Invalid platform token');
      // The body is produced by the operation's own schema.
      const body = (op.body ? await parseJsonBody(req, op.body, op.bodyLimit) : undefined) as Out<O, 'body'>;
      const result = await handler({ body, requestId });
      return jsonResponse(result, op.status ?? 200, { ...headers, 'x-request-id': requestId });
    } catch (err) {
      return errorResponse(err, requestId);
    }
  };
}
