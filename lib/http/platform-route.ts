import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { logAnonymousDenial, recordPlatformAction, type RequestFacts } from '@/lib/audit/events';
import { getEnv } from '@/lib/env';
import { logger } from '@/lib/log';
import { enforceLimits, getLimiters } from '@/lib/ratelimit/limits';
import { AppError } from './errors';
import type { Operation } from './operation';
import { clientIp, requestIdFor, userAgent } from './request-meta';
import { observed } from './route';
import { errorResponse, jsonResponse } from './respond';
import { parseJsonBody } from './body';

type Out<O, K extends 'body' | 'params'> = O extends { [P in K]: infer S extends z.ZodType } ? z.output<S> : undefined;

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// A platform operation that acts on one tenant says so in its result (`{ tenant: { id } }`, as provisioning
// does); the action is then written to that tenant's audit log, its first entry for a new tenant.
const actedOnTenant = z.object({ tenant: z.object({ id: z.uuid() }) });

// Operator endpoints: authorised by PLATFORM_ADMIN_TOKEN, and invisible (404) when no token is configured.
export function platformRoute<O extends Operation>(
  op: O,
  handler: (ctx: { body: Out<O, 'body'>; params: Out<O, 'params'>; requestId: string }) => Promise<unknown>,
) {
  // Not behind maintenance mode: operators must be able to switch it off again.
  return observed(op, async (req, routeCtx) => {
    const requestId = requestIdFor(req);
    const facts: RequestFacts = { requestId, ip: clientIp(req), userAgent: userAgent(req), method: req.method, route: op.path };
    try {
      const expected = getEnv().PLATFORM_ADMIN_TOKEN;
      if (!expected) throw new AppError('not_found', 'Not found');
      const headers = await enforceLimits([{ limiter: getLimiters().platform, key: clientIp(req) }]);
      const match = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '');
      if (!match?.[1] || !tokenMatches(match[1], expected)) {
        logAnonymousDenial(facts, 401, 'unauthenticated');
        throw new AppError('unauthenticated', 'Invalid platform token');
      }
      // The body is produced by the operation's own schema.
      const body = (op.body ? await parseJsonBody(req, op.body, op.bodyLimit) : undefined) as Out<O, 'body'>;
      const rawParams = routeCtx ? await routeCtx.params : {};
      const parsedParams = op.params?.safeParse(rawParams);
      if (parsedParams && !parsedParams.success) throw new AppError('invalid_id', 'The id in the URL is not a valid id');
      // Produced by the operation's own params schema just above.
      const params = parsedParams?.data as Out<O, 'params'>;
      const result = await handler({ body, params, requestId });
      const acted = actedOnTenant.safeParse(result);
      if (acted.success) {
        const tenantId = acted.data.tenant.id;
        // The action has happened: answering 500 now would invite a retry that repeats it. Log loudly instead.
        await recordPlatformAction({ tenantId, action: op.id, facts, target: { type: 'tenant', id: tenantId } }).catch((err: unknown) =>
          logger.error('audit: could not record a platform action', { requestId, action: op.id, tenantId, error: err instanceof Error ? err.message : String(err) }),
        );
      }
      return jsonResponse(result, op.status ?? 200, { ...headers, 'x-request-id': requestId });
    } catch (err) {
      return errorResponse(err, requestId);
    }
  });
}
