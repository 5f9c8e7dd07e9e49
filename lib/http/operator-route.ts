import { z } from 'zod';
import { logAnonymousDenial, type RequestFacts } from '@/lib/audit/events';
import { MFA_ENROL_PATH, resolveOperator, type OperatorGate } from '@/lib/ops/guard';
import { enforceLimits, getLimiters } from '@/lib/ratelimit/limits';
import { parseJsonBody } from './body';
import { AppError } from './errors';
import type { Operation } from './operation';
import { clientIp, requestIdFor, userAgent } from './request-meta';
import { errorResponse, jsonResponse } from './respond';
import { assertSameOrigin, observed } from './route';

type Out<O, K extends 'body' | 'params'> = O extends { [P in K]: infer S extends z.ZodType } ? z.output<S> : undefined;

export type Operator = Extract<OperatorGate, { kind: 'operator' }>;

export interface OperatorContext<O extends Operation> {
  operator: Operator;
  body: Out<O, 'body'>;
  params: Out<O, 'params'>;
  requestId: string;
  facts: RequestFacts;
}

// The operator console's API (/api/ops/*): the operator's own session, never PLATFORM_ADMIN_TOKEN. Anyone who is not
// an operator gets 404 before the body is even read; an operator without TOTP gets mfa_required naming where to
// enrol. Not behind maintenance mode: operators must be able to switch it off again.
export function operatorRoute<O extends Operation>(op: O, handler: (ctx: OperatorContext<O>) => Promise<unknown>) {
  return observed(op, async (req, routeCtx) => {
    const requestId = requestIdFor(req);
    const facts: RequestFacts = { requestId, ip: clientIp(req), userAgent: userAgent(req), method: req.method, route: op.path };
    try {
      const headers = await enforceLimits([{ limiter: getLimiters().ip, key: clientIp(req) }]);
      const gate = await resolveOperator(req);
      if (gate.kind === 'none') {
        logAnonymousDenial(facts, 404, 'not_operator');
        throw new AppError('not_found', 'Not found');
      }
      if (gate.kind === 'needs_mfa') {
        throw new AppError('mfa_required', 'Operators must turn on two-factor authentication first', { details: { nextStep: MFA_ENROL_PATH } });
      }
      if (req.method !== 'GET') assertSameOrigin(req);
      const rawParams = routeCtx ? await routeCtx.params : {};
      const parsedParams = op.params?.safeParse(rawParams);
      if (parsedParams && !parsedParams.success) throw new AppError('invalid_id', 'The id in the URL is not a valid id');
      // Both are produced by the operation's own schemas.
      const params = parsedParams?.data as Out<O, 'params'>;
      const body = (op.body ? await parseJsonBody(req, op.body, op.bodyLimit) : undefined) as Out<O, 'body'>;
      const result = await handler({ operator: gate, body, params, requestId, facts });
      if (result === undefined) return new Response(null, { status: 204, headers: { ...headers, 'x-request-id': requestId } });
      return jsonResponse(result, op.status ?? 200, { ...headers, 'x-request-id': requestId });
    } catch (err) {
      return errorResponse(err, requestId);
    }
  });
}
