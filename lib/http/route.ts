import { z } from 'zod';
import type { Principal } from '@/lib/auth/principal';
import { resolvePrincipal } from '@/lib/auth/principal';
import { withTenant, isUuid } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { getEnv } from '@/lib/env';
import { enforceLimits, getLimiters } from '@/lib/ratelimit/limits';
import { loadAccess, type Access } from '@/lib/tenancy/access';
import { parseJsonBody, parseQuery } from './body';
import { AppError, forbidden } from './errors';
import type { Operation } from './operation';
import { clientIp, requestIdFor } from './request-meta';
import { errorResponse, jsonResponse } from './respond';

type Out<O, K extends 'params' | 'query' | 'body'> = O extends { [P in K]: infer S extends z.ZodType } ? z.output<S> : undefined;

export interface RequestContext<O extends Operation> {
  req: Request;
  requestId: string;
  ip: string;
  params: Out<O, 'params'>;
  query: Out<O, 'query'>;
  body: Out<O, 'body'>;
  headers: Record<string, string>;
}

export interface PrincipalContext<O extends Operation> extends RequestContext<O> {
  principal: Principal;
}

export interface UserContext<O extends Operation> extends RequestContext<O> {
  principal: Extract<Principal, { kind: 'user' }>;
}

export interface TenantContext<O extends Operation> extends RequestContext<O> {
  tx: Tx;
  tenantId: string;
  principal: Principal;
  access: Access;
}

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };
type Handler<C> = (ctx: C) => Promise<unknown>;

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function parseRequest<O extends Operation>(op: O, req: Request, routeCtx?: NextRouteContext): Promise<RequestContext<O>> {
  const requestId = requestIdFor(req);
  const rawParams = routeCtx ? await routeCtx.params : {};
  let params: unknown = undefined;
  if (op.params) {
    const parsed = op.params.safeParse(rawParams);
    if (!parsed.success) {
      const bad = parsed.error.issues[0]?.path.join('.') ?? 'id';
      throw new AppError('invalid_id', `The ${bad} in the URL is not a valid id`);
    }
    params = parsed.data;
  }
  const url = new URL(req.url);
  const query = op.query ? parseQuery(url, op.query) : undefined;
  const body = op.body ? await parseJsonBody(req, op.body, op.bodyLimit) : undefined;
  return {
    req,
    requestId,
    ip: clientIp(req),
    // Each value was produced by the operation's own schema just above.
    params: params as Out<O, 'params'>,
    query: query as Out<O, 'query'>,
    body: body as Out<O, 'body'>,
    headers: { 'x-request-id': requestId },
  };
}

function finish(result: unknown, op: Operation, headers: Record<string, string>): Response {
  if (result instanceof Response) {
    for (const [k, v] of Object.entries(headers)) if (!result.headers.has(k)) result.headers.set(k, v);
    return result;
  }
  if (result === undefined) return new Response(null, { status: 204, headers });
  return jsonResponse(result, op.status ?? 200, headers);
}

// Cookie-authenticated writes must come from our own origin; API-key requests carry no ambient credential.
function checkCsrf(req: Request, principal: Principal): void {
  if (principal.kind !== 'user' || !MUTATING.has(req.method)) return;
  const origin = req.headers.get('origin');
  const allowed = new Set([new URL(req.url).origin]);
  const appUrl = getEnv().APP_URL;
  if (appUrl) allowed.add(new URL(appUrl).origin);
  if (origin && !allowed.has(origin)) throw forbidden('Cross-site request refused');
  const site = req.headers.get('sec-fetch-site');
  if (!origin && site && site !== 'same-origin' && site !== 'none') throw forbidden('Cross-site request refused');
}

function tenantFor(principal: Principal, req: Request): string {
  if (principal.kind === 'apiKey') return principal.tenantId;
  const requested = req.headers.get('x-tenant-id') ?? principal.activeTenantId;
  if (!requested) {
    throw new AppError('bad_request', 'No organization selected: create one, or switch with POST /api/v1/me/tenant');
  }
  if (!isUuid(requested)) throw new AppError('invalid_id', 'X-Tenant-Id is not a valid id');
  return requested;
}

async function limitsFor(ctx: RequestContext<Operation>, principal: Principal | null, access?: Access) {
  const l = getLimiters();
  const checks = [{ limiter: l.ip, key: ctx.ip }];
  if (principal?.kind === 'apiKey') checks.push({ limiter: l.apiKey, key: principal.keyId });
  if (access) checks.push({ limiter: l.tenant[access.plan], key: access.tenantId });
  return enforceLimits(checks);
}

export function publicRoute<O extends Operation>(op: O, handler: Handler<RequestContext<O>>) {
  return async (req: Request, routeCtx?: NextRouteContext): Promise<Response> => {
    let requestId = requestIdFor(req);
    try {
      const ctx = await parseRequest(op, req, routeCtx);
      requestId = ctx.requestId;
      Object.assign(ctx.headers, await limitsFor(ctx, null));
      return finish(await handler(ctx), op, ctx.headers);
    } catch (err) {
      return errorResponse(err, requestId);
    }
  };
}

// Routes for any authenticated principal that work outside one tenant (e.g. /me, accepting an invitation).
export function principalRoute<O extends Operation>(op: O, handler: Handler<PrincipalContext<O>>) {
  return async (req: Request, routeCtx?: NextRouteContext): Promise<Response> => {
    let requestId = requestIdFor(req);
    try {
      const principal = await resolvePrincipal(req);
      checkCsrf(req, principal);
      const ctx = await parseRequest(op, req, routeCtx);
      requestId = ctx.requestId;
      Object.assign(ctx.headers, await limitsFor(ctx, principal));
      return finish(await handler({ ...ctx, principal }), op, ctx.headers);
    } catch (err) {
      return errorResponse(err, requestId);
    }
  };
}

export function userRoute<O extends Operation>(op: O, handler: Handler<UserContext<O>>) {
  return principalRoute(op, ({ principal, ...rest }) => {
    if (principal.kind !== 'user') throw forbidden('This endpoint needs a signed-in user, not an API key');
    return handler({ ...rest, principal });
  });
}

// The one wrapper for authenticated tenant routes: principal, tenant, permission, rate limit, one RLS
// transaction around the handler, error mapping.
export function tenantRoute<O extends Operation>(op: O, handler: Handler<TenantContext<O>>) {
  return async (req: Request, routeCtx?: NextRouteContext): Promise<Response> => {
    let requestId = requestIdFor(req);
    try {
      const principal = await resolvePrincipal(req);
      checkCsrf(req, principal);
      const ctx = await parseRequest(op, req, routeCtx);
      requestId = ctx.requestId;
      const tenantId = tenantFor(principal, req);
      const userId = principal.kind === 'user' ? principal.userId : null;
      const result = await withTenant(
        tenantId,
        async (tx) => {
          const access = await loadAccess(tx, principal, tenantId);
          Object.assign(ctx.headers, await limitsFor(ctx, principal, access));
          if (op.permission && !access.permissions.has(op.permission)) {
            throw forbidden(`This needs the ${op.permission} permission`);
          }
          return handler({ ...ctx, tx, tenantId, principal, access });
        },
        { userId },
      );
      return finish(result, op, ctx.headers);
    } catch (err) {
      return errorResponse(err, requestId);
    }
  };
}

export const idParams = z.strictObject({ id: z.uuid() });
