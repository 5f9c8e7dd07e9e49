import { z } from 'zod';
import { logAnonymousDenial, recordDenial, recordRequestEvent, type RequestFacts } from '@/lib/audit/events';
import type { Principal } from '@/lib/auth/principal';
import { resolvePrincipal } from '@/lib/auth/principal';
import { assertBillingAllows } from '@/lib/billing/enforce';
import { withTenant, isUuid } from '@/lib/db/tenant';
import { countTenantRequest } from '@/lib/economics/request-counter';
import type { Tx } from '@/lib/db/types';
import { getEnv } from '@/lib/env';
import { logger } from '@/lib/log';
import { assertWritable } from '@/lib/maintenance';
import { observeHttpRequest } from '@/lib/metrics';
import { enforceLimits, getLimiters } from '@/lib/ratelimit/limits';
import { withSpan } from '@/lib/tracing';
import { accessFromRows, accessQuery, type Access } from '@/lib/tenancy/access';
import { forgetAccessDecisions, getAccessCache } from '@/lib/tenancy/access-cache';
import { assertPolicySatisfied } from '@/lib/tenancy/security-policy';
import { parseJsonBody, parseOptionalJsonBody, parseQuery } from './body';
import { AppError, forbidden } from './errors';
import type { Operation } from './operation';
import { clientIp, requestIdFor, userAgent } from './request-meta';
import { errorResponse, jsonResponse } from './respond';

type Out<O, K extends 'params' | 'query' | 'body'> = O extends { [P in K]: infer S extends z.ZodType }
  ? K extends 'body'
    ? O extends { bodyOptional: true }
      ? z.output<S> | undefined
      : z.output<S>
    : z.output<S>
  : undefined;

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

export interface TenantContext<O extends Operation, B = undefined, P = undefined> extends RequestContext<O> {
  tx: Tx;
  tenantId: string;
  principal: Principal;
  access: Access;
  // What the route's readBody produced (an upload), and what its prepare step computed outside the transaction.
  upload: B;
  prepared: P;
}

// A body read by the route itself; `discard` undoes what reading it stored (a staged file) when the request fails.
export interface StagedBody<B> {
  value: B;
  discard?: () => Promise<void>;
}

export interface PrepareContext<O extends Operation, B> extends RequestContext<O> {
  tenantId: string;
  principal: Principal;
  access: Access;
  upload: B;
  // A short tenant transaction of its own; nothing slow (an AI call) may run inside one.
  inTenant: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
}

/**
 * Work a tenant route does before its transaction opens, so that nothing slow holds a database connection (on the
 * embedded database there is only one, shared by every tenant):
 * - readBody: a body the operation's JSON schema cannot describe (a file upload), read after the access check
 *   (its limit can depend on the plan);
 * - prepare: slow work such as embedding a query with an AI provider.
 * Routes with either run the access check in a short transaction of its own first.
 */
export interface TenantRouteOptions<O extends Operation, B, P> {
  readBody?: (req: Request, access: Access) => Promise<StagedBody<B>>;
  prepare?: (ctx: PrepareContext<O, B>) => Promise<P>;
}

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };
type Handler<C> = (ctx: C) => Promise<unknown>;
type RouteFn = (req: Request, routeCtx?: NextRouteContext) => Promise<Response>;

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// Every response is counted and timed by the operation's path pattern (never the raw URL: ids would explode
// the metric's cardinality), errors included.
// One span per request, named by the route template, so it is the parent of the tenant transaction, the
// database round trips and the events sent.
export function observed(op: Operation, run: RouteFn): RouteFn {
  return (req, routeCtx) =>
    withSpan(`${req.method} ${op.path}`, { 'http.route': op.path, 'http.request.method': req.method, 'reflex.operation': op.id }, async (span) => {
      const started = performance.now();
      let status = 500;
      try {
        const res = await run(req, routeCtx);
        status = res.status;
        return res;
      } finally {
        // This instance's own change (a key revoked, a member removed, an organization suspended) counts at once
        // for its next read; other instances see it when their cached decisions expire (access-cache.ts).
        if (MUTATING.has(req.method)) forgetAccessDecisions();
        span.setAttribute('http.response.status_code', status);
        observeHttpRequest({ route: op.path, method: req.method, status, durationMs: performance.now() - started });
      }
    });
}

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
  const body = !op.body ? undefined : op.bodyOptional ? await parseOptionalJsonBody(req, op.body, op.bodyLimit) : await parseJsonBody(req, op.body, op.bodyLimit);
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

// First thing for every request, before the caller is resolved: a flood of bogus keys or cookies costs no lookup.
async function limitIp(req: Request): Promise<Record<string, string>> {
  return enforceLimits([{ limiter: getLimiters().ip, key: clientIp(req) }]);
}

async function limitCaller(principal: Principal, access: Access): Promise<Record<string, string>> {
  const l = getLimiters();
  const checks = [{ limiter: l.tenant[access.plan], key: access.tenantId }];
  if (principal.kind === 'apiKey') checks.push({ limiter: l.apiKey, key: principal.keyId });
  return enforceLimits(checks);
}

// The rate-limit headers of the tightest limiter a request passed.
function tighter(a: Record<string, string>, b: Record<string, string>): Record<string, string> {
  const remaining = (h: Record<string, string>) => Number(h['X-RateLimit-Remaining'] ?? Infinity);
  return remaining(b) < remaining(a) ? b : a;
}

// The organization's security policy first (a member who must enrol in MFA learns that, not which permission they
// lack), then the operation's permission.
// Then billing: a suspended organization reads and exports, and nothing else (402 naming the fix).
function checkPermission(op: Operation, access: Access, principal: Principal, method: string): void {
  assertPolicySatisfied(principal, access.policy);
  if (op.permission && !access.permissions.has(op.permission)) throw forbidden(`This needs the ${op.permission} permission`);
  assertBillingAllows(op, access, method);
}

export function publicRoute<O extends Operation>(op: O, handler: Handler<RequestContext<O>>) {
  return observed(op, async (req, routeCtx) => {
    let requestId = requestIdFor(req);
    try {
      await assertWritable(req);
      const limits = await limitIp(req);
      const ctx = await parseRequest(op, req, routeCtx);
      requestId = ctx.requestId;
      Object.assign(ctx.headers, limits);
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
      const limits = await limitIp(req);
      principal = await resolvePrincipal(req);
      checkCsrf(req, principal);
      const ctx = await parseRequest(op, req, routeCtx);
      requestId = ctx.requestId;
      Object.assign(ctx.headers, limits);
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

// The one wrapper for authenticated tenant routes: IP limit, principal, tenant, permission, caller limits, one RLS
// transaction around the handler, an audit entry for every mutation in that same transaction (no unaudited change
// can commit, and a rolled-back change leaves no entry), error mapping. Request bodies are read before the
// transaction opens (JSON by parseRequest, anything else by options.readBody): a client sending slowly must never
// hold a database connection.
export function tenantRoute<O extends Operation>(op: O, handler: Handler<TenantContext<O>>): RouteFn {
  return tenantRouteWith(op, {}, handler);
}

// tenantRoute with work before the transaction (TenantRouteOptions). The options come before the handler so that
// the handler's `upload` and `prepared` are typed from them.
export function tenantRouteWith<O extends Operation, B = undefined, P = undefined>(
  op: O,
  options: TenantRouteOptions<O, B, P>,
  handler: Handler<TenantContext<O, B, P>>,
): RouteFn {
  return observed(op, async (req, routeCtx) => {
    let requestId = requestIdFor(req);
    let principal: Principal | null = null;
    let tenantId: string | null = null;
    let staged: StagedBody<B> | undefined;
    try {
      // Maintenance first: before the principal is resolved and before any transaction opens.
      await assertWritable(req);
      const ipLimits = await limitIp(req);
      const who = await resolvePrincipal(req);
      principal = who;
      checkCsrf(req, who);
      const ctx = await parseRequest(op, req, routeCtx);
      requestId = ctx.requestId;
      Object.assign(ctx.headers, ipLimits);
      const tenant = tenantFor(who, req);
      tenantId = tenant;
      // A read may reuse a decision at most ACCESS_CACHE_TTL_MS old; then BEGIN carries only the settings.
      const cache = MUTATING.has(req.method) ? undefined : getAccessCache();
      const cached = cache?.recall(who, tenant);
      const decide = async (tx: Tx, rows: unknown[]): Promise<Access> => {
        if (cached) return cached;
        const access = await accessFromRows(tx, who, tenant, rows);
        cache?.remember(who, tenant, access);
        return access;
      };
      const scope = { userId: who.kind === 'user' ? who.userId : null, preload: cached ? undefined : accessQuery(who) };
      const twoPhase = options.readBody !== undefined || options.prepare !== undefined;
      let upload: B | undefined;
      let prepared: P | undefined;
      if (twoPhase) {
        const access = await withTenant(tenant, decide, scope);
        Object.assign(ctx.headers, tighter(ctx.headers, await limitCaller(who, access)));
        checkPermission(op, access, who, req.method);
        staged = options.readBody ? await options.readBody(req, access) : undefined;
        upload = staged?.value;
        if (options.prepare) {
          prepared = await options.prepare({
            ...ctx,
            tenantId: tenant,
            principal: who,
            access,
            // Absent only when the route declares no readBody, where B is undefined.
            upload: upload as B,
            inTenant: (fn) => withTenant(tenant, (tx) => fn(tx), { userId: scope.userId }),
          });
        }
      }
      const result = await withTenant(
        tenant,
        async (tx, accessRows) => {
          const access = await decide(tx, accessRows);
          if (!twoPhase) Object.assign(ctx.headers, tighter(ctx.headers, await limitCaller(who, access)));
          // Checked again in a two-phase route: access may have been revoked while the body streamed in.
          checkPermission(op, access, who, req.method);
          // Set exactly when the route has readBody / prepare, which is what makes B and P other than undefined.
          const out = await handler({ ...ctx, tx, tenantId: tenant, principal: who, access, upload: upload as B, prepared: prepared as P });
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
        scope,
      );
      // In process only (a Map increment): the counts reach the database in batches (request-counter.ts).
      countTenantRequest(tenant);
      return finish(result, op, ctx.headers);
    } catch (err) {
      if (staged?.discard) await staged.discard().catch((cleanup: unknown) => logger.warn('could not discard a staged upload', { requestId, error: String(cleanup) }));
      await auditRefusal(err, op, req, requestId, principal, tenantId);
      return errorResponse(err, requestId);
    }
  });
}

export const idParams = z.strictObject({ id: z.uuid() });
