import { z } from 'zod';
import { logAnonymousDenial, recordDenial, recordRequestEvent, type RequestFacts } from '@/lib/audit/events';
import type { Principal } from '@/lib/auth/principal';
import { resolvePrincipal } from '@/lib/auth/principal';
import { withTenant, isUuid } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { getEnv } from '@/lib/env';
import { assertWritable } from '@/lib/maintenance';
import { observeHttpRequest } from '@/lib/metrics';
import { enforceLimits, getLimiters } from '@/lib/ratelimit/limits';
import { accessFromRows, accessQuery, type Access } from '@/lib/tenancy/access';
import { parseJsonBody, parseQuery } from './body';
import { AppError, forbidden } from './errors';
import type { Operation } from './operation';
import { clientIp, requestIdFor, userAgent } from './request-meta';
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
type RouteFn = (req: Request, routeCtx?: NextRouteContext) => Promise<Response>;

// Every response is counted and timed by the operation's path pattern (never the raw URL: ids would explode
// the metric's cardinality), errors included.
export function observed(op: Operation, run: RouteFn): RouteFn {
  return async (req, routeCtx) => {
    const started = performance.now();
    let status = 500;
    try {
      const res = await run(req, routeCtx);
      status = res.status;
      return res;
    } finally {
      observeHttpRequest({ route: op.path, method: req.method, status, durationMs: performance.now() - started });
    }
  };
}

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

// A browser says where a request comes from (Origin, or Sec-Fetch-Site); a request saying nothing is not from
// a browser, so it carries no ambient credential of a victim. The opaque origin "null" is refused.
export function assertSameOrigin(req: Request): void {
  const origin = req.headers.get('origin');
  const allowed = new Set([new URL(req.url).origin]);
  const appUrl = getEnv().APP_URL;
  if (appUrl) allowed.add(new URL(appUrl).origin);
  if (origin && !allowed.has(origin)) throw forbidden('Cross-site request refused');
  const site = req.headers.get('sec-fetch-site');
  if (!origin && site && site !== 'same-origin' && site !== 'none') throw forbidden('Cross-site request refused');
}

// Cookie-authenticated writes must come from our own origin; API-key requests carry no ambient credential.
function checkCsrf(req: Request, principal: Principal): void {
  if (principal.kind !== 'user' || !MUTATING.has(req.method)) return;
  assertSameOrigin(req);
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

function factsOf(op: Operation, req: Request, requestId: string): RequestFacts {
  return { requestId, ip: clientIp(req), userAgent: userAgent(req), method: req.method, route: op.path };
}

function statusOf(result: unknown, op: Operation): number {
  if (result instanceof Response) return result.status;
  return result === undefined ? 204 : (op.status ?? 200);
}

function idOf(value: unknown): string | null {
  if (value && typeof value === 'object' && 'id' in value && typeof value.id === 'string') return value.id;
  return null;
}

// What a mutation acted on: the id in the URL, or else the id of what it created.
function targetOf(op: Operation, params: unknown, result: unknown): { type: string; id: string | null } {
  return { type: op.tag, id: idOf(params) ?? (result instanceof Response ? null : idOf(result)) };
}

// 401 and 403 are audited (in their own transaction: the request's own one rolled back). Who may be written
// into which tenant's log is decided in lib/audit/events.ts.
async function auditRefusal(err: unknown, op: Operation, req: Request, requestId: string, principal: Principal | null, tenantId: string | null) {
  if (!(err instanceof AppError) || (err.status !== 401 && err.status !== 403)) return;
  const facts = factsOf(op, req, requestId);
  if (!principal) {
    logAnonymousDenial(facts, err.status, err.code);
    return;
  }
  let tenant = tenantId;
  if (!tenant) {
    try {
      tenant = tenantFor(principal, req);
    } catch {
      tenant = null;
    }
  }
  await recordDenial({ principal, tenantId: tenant, action: op.id, facts, status: err.status, code: err.code });
}

async function limitsFor(ctx: RequestContext<Operation>, principal: Principal | null, access?: Access) {
  const l = getLimiters();
  const checks = [{ limiter: l.ip, key: ctx.ip }];
  if (principal?.kind === 'apiKey') checks.push({ limiter: l.apiKey, key: principal.keyId });
  if (access) checks.push({ limiter: l.tenant[access.plan], key: access.tenantId });
  return enforceLimits(checks);
}

export function publicRoute<O extends Operation>(op: O, handler: Handler<RequestContext<O>>) {
  return observed(op, async (req, routeCtx) => {
    let requestId = requestIdFor(req);
    try {
      await assertWritable(req);
      const ctx = await parseRequest(op, req, routeCtx);
      requestId = ctx.requestId;
      Object.assign(ctx.headers, await limitsFor(ctx, null));
      return finish(await handler(ctx), op, ctx.headers);
    } catch (err) {
      return errorResponse(err, requestId);
    }
  });
}

// Routes for any authenticated principal that work outside one tenant (e.g. /me, accepting an invitation).
export function principalRoute<O extends Operation>(op: O, handler: Handler<PrincipalContext<O>>) {
  return observed(op, async (req, routeCtx) => {
    let requestId = requestIdFor(req);
    let principal: Principal | null = null;
    try {
      await assertWritable(req);
      principal = await resolvePrincipal(req);
      checkCsrf(req, principal);
      const ctx = await parseRequest(op, req, routeCtx);
      requestId = ctx.requestId;
      Object.assign(ctx.headers, await limitsFor(ctx, principal));
      return finish(await handler({ ...ctx, principal }), op, ctx.headers);
    } catch (err) {
      await auditRefusal(err, op, req, requestId, principal, null);
      return errorResponse(err, requestId);
    }
  });
}

export function userRoute<O extends Operation>(op: O, handler: Handler<UserContext<O>>) {
  return principalRoute(op, ({ principal, ...rest }) => {
    if (principal.kind !== 'user') throw forbidden('This endpoint needs a signed-in user, not an API key');
    return handler({ ...rest, principal });
  });
}

// The one wrapper for authenticated tenant routes: principal, tenant, permission, rate limit, one RLS
// transaction around the handler, an audit entry for every mutation in that same transaction (no unaudited
// change can commit, and a rolled-back change leaves no entry), error mapping.
export function tenantRoute<O extends Operation>(op: O, handler: Handler<TenantContext<O>>) {
  return observed(op, async (req, routeCtx) => {
    let requestId = requestIdFor(req);
    let principal: Principal | null = null;
    let tenantId: string | null = null;
    try {
      // Maintenance first: before the principal is resolved and before any transaction opens.
      await assertWritable(req);
      const who = await resolvePrincipal(req);
      principal = who;
      checkCsrf(req, who);
      const ctx = await parseRequest(op, req, routeCtx);
      requestId = ctx.requestId;
      const tenant = tenantFor(who, req);
      tenantId = tenant;
      const userId = who.kind === 'user' ? who.userId : null;
      const result = await withTenant(
        tenant,
        async (tx, accessRows) => {
          const access = await accessFromRows(tx, who, tenant, accessRows);
          Object.assign(ctx.headers, await limitsFor(ctx, who, access));
          if (op.permission && !access.permissions.has(op.permission)) {
            throw forbidden(`This needs the ${op.permission} permission`);
          }
          const out = await handler({ ...ctx, tx, tenantId: tenant, principal: who, access });
          if (MUTATING.has(req.method)) {
            await recordRequestEvent(tx, {
              principal: who,
              action: op.id,
              facts: factsOf(op, req, ctx.requestId),
              status: statusOf(out, op),
              target: targetOf(op, ctx.params, out),
            });
          }
          return out;
        },
        { userId, preload: accessQuery(who) },
      );
      return finish(result, op, ctx.headers);
    } catch (err) {
      await auditRefusal(err, op, req, requestId, principal, tenantId);
      return errorResponse(err, requestId);
    }
  });
}

export const idParams = z.strictObject({ id: z.uuid() });
