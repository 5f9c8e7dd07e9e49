import { logAnonymousDenial, type RequestFacts } from '@/lib/audit/events';
import { recordAuditEvent } from '@/lib/audit/record';
import { tenants } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { logger } from '@/lib/log';
import { assertWritable } from '@/lib/maintenance';
import { enforceLimits, getLimiters } from '@/lib/ratelimit/limits';
import { fromAppError, isUniqueViolation, SCIM_CONTENT_TYPE, scimErrorBody, ScimError, uniqueness, invalidSyntax } from '@/lib/scim/errors';
import { resolveScimToken, touchScimToken } from '@/lib/scim/tokens';
import { assertStorable, readLimited } from './body';
import { AppError } from './errors';
import type { Operation } from './operation';
import { clientIp, requestIdFor, userAgent, appBaseUrl } from './request-meta';
import { observed } from './route';

// The door for /api/scim/v2: a SCIM bearer token instead of a session or API key, SCIM's own error shape and
// content type, and otherwise the same order as tenantRoute: maintenance, IP limit, token (a named lookup before
// any tenant is known), per-token limit, the body read before the transaction, then one RLS transaction that
// re-checks the token, runs the handler and writes the audit entry for every change.

export const SCIM_BODY_LIMIT = 1024 * 1024;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface ScimContext {
  tx: Tx;
  tenantId: string;
  baseUrl: string;
  url: URL;
  params: Record<string, string>;
  body: unknown;
}

export interface ScimResult {
  status?: number;
  body?: unknown;
  /** What the change was, for the audit log. Every write names one. */
  audit?: { action: string; target: { type: string; id: string | null }; metadata?: Record<string, unknown> };
}

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };

export function scimOperation(id: string, method: Operation['method'], path: string): Operation {
  return { id, method, path: `/api/scim/v2${path}`, summary: `SCIM ${id}`, tag: 'scim', auth: 'none' };
}

function scimResponse(status: number, body: unknown, headers: Record<string, string>): Response {
  if (status === 204 || body === undefined) return new Response(null, { status: 204, headers });
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': SCIM_CONTENT_TYPE, 'cache-control': 'no-store', ...headers } });
}

function toScimError(err: unknown, requestId: string): ScimError {
  if (err instanceof ScimError) return err;
  if (err instanceof AppError) return fromAppError(err);
  if (isUniqueViolation(err)) return uniqueness('A resource with the same unique attribute was created at the same time; retry');
  logger.error('scim: unhandled error', { requestId, error: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined });
  return new ScimError(500, `Something went wrong on our side. Quote request id ${requestId} when reporting it.`);
}

function bearer(req: Request): string | null {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '')?.[1] ?? null;
}

async function readBody(req: Request): Promise<unknown> {
  if (!MUTATING.has(req.method) || req.method === 'DELETE') return undefined;
  const type = req.headers.get('content-type') ?? '';
  if (!/^application\/(scim\+)?json\b/i.test(type)) throw new ScimError(415, 'Send the body as application/scim+json');
  const bytes = await readLimited(req, SCIM_BODY_LIMIT);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalidSyntax('The request body is not valid JSON');
  }
  assertStorable(value, 'request body');
  return value;
}

async function paramsOf(routeCtx?: NextRouteContext): Promise<Record<string, string>> {
  const raw = routeCtx ? await routeCtx.params : {};
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join('/') : v]));
}

export function scimRoute(op: Operation, handler: (ctx: ScimContext) => Promise<ScimResult>) {
  return observed(op, async (req, routeCtx) => {
    const requestId = requestIdFor(req);
    const headers: Record<string, string> = { 'x-request-id': requestId };
    const facts: RequestFacts = { requestId, ip: clientIp(req), userAgent: userAgent(req), method: req.method, route: op.path };
    try {
      await assertWritable(req);
      Object.assign(headers, await enforceLimits([{ limiter: getLimiters().ip, key: facts.ip }]));
      const token = bearer(req);
      const found = token ? await resolveScimToken(token) : null;
      if (!found) {
        logAnonymousDenial(facts, 401, 'unauthenticated');
        throw new ScimError(401, token ? 'The SCIM token is invalid or has been revoked' : 'Send a SCIM token as "Authorization: Bearer <token>"', undefined, { 'WWW-Authenticate': 'Bearer realm="SCIM"' });
      }
      Object.assign(headers, await enforceLimits([{ limiter: getLimiters().apiKey, key: `scim:${found.tokenId}` }]));
      const body = await readBody(req);
      const params = await paramsOf(routeCtx);
      const url = new URL(req.url);
      const baseUrl = `${appBaseUrl(req)}/api/scim/v2`;
      const result = await withTenant(found.tenantId, async (tx) => {
        const live = await touchScimToken(tx, found.tokenId);
        if (!live) throw new ScimError(401, 'The SCIM token has been revoked', undefined, { 'WWW-Authenticate': 'Bearer realm="SCIM"' });
        const [tenant] = await tx.select({ status: tenants.status }).from(tenants).limit(1);
        if (tenant?.status !== 'active') throw new ScimError(403, 'This organization is suspended');
        const out = await handler({ tx, tenantId: found.tenantId, baseUrl, url, params, body });
        if (out.audit) {
          await recordAuditEvent(tx, {
            action: out.audit.action,
            actor: { type: 'system', id: `scim:${found.tokenId}`, label: live.name },
            target: out.audit.target,
            requestId,
            ip: facts.ip,
            userAgent: facts.userAgent,
            metadata: { method: req.method, route: op.path, status: out.status ?? 200, scimTokenId: found.tokenId, ...out.audit.metadata },
          });
        }
        return out;
      });
      if (result.status === 201 && isLocated(result.body)) headers.location = result.body.meta.location;
      return scimResponse(result.status ?? 200, result.body, headers);
    } catch (err) {
      const e = toScimError(err, requestId);
      return scimResponse(e.status, scimErrorBody(e.status, e.message, e.scimType), { ...headers, ...e.headers });
    }
  });
}

function isLocated(body: unknown): body is { meta: { location: string } } {
  if (typeof body !== 'object' || body === null || !('meta' in body)) return false;
  const meta = body.meta;
  return typeof meta === 'object' && meta !== null && 'location' in meta && typeof meta.location === 'string';
}
