import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as platformTenants from '@/app/api/platform/tenants/route';
import * as apiKeyById from '@/app/api/v1/api-keys/[id]/route';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as invitationsRoute from '@/app/api/v1/invitations/route';
import * as meTenant from '@/app/api/v1/me/tenant/route';
import * as memberById from '@/app/api/v1/members/[id]/route';
import * as revokeSessions from '@/app/api/v1/members/[id]/revoke-sessions/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as roleById from '@/app/api/v1/roles/[id]/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { resetEnvForTests } from '@/lib/env';
import { DEFAULT_JSON_LIMIT } from '@/lib/http/body';
import { closeOwnerDb, listTenantTables } from '../helpers/db';
import { call, provision, signIn, type CallOptions, type Identity } from '../helpers/http';

// Bad input of every kind is a 4xx with the error shape, never a 500, and changes nothing.

const PLATFORM_TOKEN = `platform-${randomUUID()}`;
process.env.PLATFORM_ADMIN_TOKEN = PLATFORM_TOKEN;

type Handler = Parameters<typeof call>[0];

let t: Awaited<ReturnType<typeof provision>>;
let key: Identity;
let session: { cookie: string; tenantId: string };
let memberId: string;
let roleId: string;
let tables: string[];

// A fingerprint of everything tenant t holds, table by table, in one query (last_used_at is bookkeeping of the
// key itself).
async function fingerprint(): Promise<Record<string, string>> {
  const parts = tables.map(
    (table) => sql`select ${table} as t, count(*)::int as n,
      md5(coalesce(string_agg((to_jsonb(x) - 'last_used_at')::text, ',' order by (to_jsonb(x) - 'last_used_at')::text), '')) as h
      from ${sql.identifier(table)} x`,
  );
  const rows = await withTenant(t.tenantId, (tx) => queryRows<{ t: string; n: number; h: string }>(tx, sql.join(parts, sql` union all `)));
  return Object.fromEntries(rows.map((r) => [r.t, `${r.n}:${r.h}`]));
}

function streamOf(totalBytes: number, read: { bytes: number }, chunk = 16 * 1024): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (read.bytes >= totalBytes) return controller.close();
      const n = Math.min(chunk, totalBytes - read.bytes);
      read.bytes += n;
      controller.enqueue(new Uint8Array(n).fill(0x20));
    },
  });
}

const json = { 'content-type': 'application/json' };
const big = () => JSON.stringify({ name: 'x'.repeat(DEFAULT_JSON_LIMIT + 10), permissions: ['members:read'] });

interface Case {
  name: string;
  handler: Handler;
  opts: () => CallOptions;
  status: number;
  code: string;
}

const createRole = (o: Partial<CallOptions>): CallOptions => ({ method: 'POST', path: '/api/v1/roles', as: key, ...o });
const listMembers = (query: string): CallOptions => ({ path: `/api/v1/members${query}`, as: key });

const CASES: Case[] = [
  // Body syntax and encoding.
  { name: 'malformed JSON', handler: rolesRoute.POST, opts: () => createRole({ rawBody: '{"name": "x",', headers: json }), status: 400, code: 'invalid_json' },
  { name: 'empty JSON body', handler: rolesRoute.POST, opts: () => createRole({ rawBody: '', headers: json }), status: 400, code: 'invalid_json' },
  { name: 'invalid UTF-8', handler: rolesRoute.POST, opts: () => createRole({ rawBody: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]), headers: json }), status: 400, code: 'invalid_json' },
  { name: 'text/plain body', handler: rolesRoute.POST, opts: () => createRole({ rawBody: '{"name":"x","permissions":["members:read"]}', headers: { 'content-type': 'text/plain' } }), status: 415, code: 'unsupported_media_type' },
  { name: 'form body', handler: rolesRoute.POST, opts: () => createRole({ rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), status: 415, code: 'unsupported_media_type' },
  { name: 'no content type', handler: rolesRoute.POST, opts: () => createRole({ rawBody: new TextEncoder().encode('{"name":"x","permissions":["members:read"]}') }), status: 415, code: 'unsupported_media_type' },
  // Size.
  { name: 'oversized body', handler: rolesRoute.POST, opts: () => createRole({ rawBody: big(), headers: json }), status: 413, code: 'payload_too_large' },
  {
    name: 'Content-Length above the limit (small body)',
    handler: rolesRoute.POST,
    opts: () => createRole({ rawBody: '{}', headers: { ...json, 'content-length': String(DEFAULT_JSON_LIMIT * 100) } }),
    status: 413,
    code: 'payload_too_large',
  },
  { name: 'oversized platform body', handler: platformTenants.POST, opts: () => ({ method: 'POST', path: '/api/platform/tenants', rawBody: big(), headers: { ...json, authorization: `Bearer ${PLATFORM_TOKEN}` } }), status: 413, code: 'payload_too_large' },
  // Shape.
  { name: 'unknown body field', handler: rolesRoute.POST, opts: () => createRole({ body: { name: 'x', permissions: ['members:read'], builtin: true } }), status: 422, code: 'validation_failed' },
  { name: 'unknown field next to a valid one', handler: memberById.PATCH, opts: () => ({ method: 'PATCH', path: `/api/v1/members/${memberId}`, params: { id: memberId }, body: { roleId, userId: randomUUID() }, as: key }), status: 422, code: 'validation_failed' },
  { name: 'unknown query parameter', handler: membersRoute.GET, opts: () => listMembers('?tenant_id=x'), status: 422, code: 'validation_failed' },
  { name: 'name of the wrong type', handler: rolesRoute.POST, opts: () => createRole({ body: { name: 123, permissions: ['members:read'] } }), status: 422, code: 'validation_failed' },
  { name: 'permissions as a string', handler: rolesRoute.POST, opts: () => createRole({ body: { name: 'x', permissions: 'members:read' } }), status: 422, code: 'validation_failed' },
  { name: 'unknown permission', handler: rolesRoute.POST, opts: () => createRole({ body: { name: 'x', permissions: ['root'] } }), status: 422, code: 'validation_failed' },
  { name: 'overlong name', handler: rolesRoute.POST, opts: () => createRole({ body: { name: 'x'.repeat(1000), permissions: ['members:read'] } }), status: 422, code: 'validation_failed' },
  { name: 'JSON array body', handler: rolesRoute.POST, opts: () => createRole({ body: [] }), status: 422, code: 'validation_failed' },
  { name: 'JSON null body', handler: rolesRoute.POST, opts: () => createRole({ rawBody: 'null', headers: json }), status: 422, code: 'validation_failed' },
  { name: 'JSON string body', handler: rolesRoute.POST, opts: () => createRole({ body: 'members:read' }), status: 422, code: 'validation_failed' },
  { name: 'empty PATCH', handler: roleById.PATCH, opts: () => ({ method: 'PATCH', path: `/api/v1/roles/${roleId}`, params: { id: roleId }, body: {}, as: key }), status: 422, code: 'validation_failed' },
  { name: 'roleId that is not a uuid', handler: invitationsRoute.POST, opts: () => ({ method: 'POST', path: '/api/v1/invitations', body: { email: 'a@example.test', roleId: 'owner' }, as: key }), status: 422, code: 'validation_failed' },
  { name: 'invalid email', handler: invitationsRoute.POST, opts: () => ({ method: 'POST', path: '/api/v1/invitations', body: { email: 'not an email', roleId }, as: key }), status: 422, code: 'validation_failed' },
  { name: 'expiresAt that is not a date', handler: apiKeysRoute.POST, opts: () => ({ method: 'POST', path: '/api/v1/api-keys', body: { name: 'k', scopes: ['members:read'], expiresAt: 'tomorrow' }, as: key }), status: 422, code: 'validation_failed' },
  { name: 'expiresAt in the past', handler: apiKeysRoute.POST, opts: () => ({ method: 'POST', path: '/api/v1/api-keys', body: { name: 'k', scopes: ['members:read'], expiresAt: '2001-01-01T00:00:00Z' }, as: key }), status: 400, code: 'bad_request' },
  { name: 'limit that is not a number', handler: membersRoute.GET, opts: () => listMembers('?limit=abc'), status: 422, code: 'validation_failed' },
  { name: 'limit of zero', handler: membersRoute.GET, opts: () => listMembers('?limit=0'), status: 422, code: 'validation_failed' },
  { name: 'limit above the maximum', handler: membersRoute.GET, opts: () => listMembers('?limit=100000'), status: 422, code: 'validation_failed' },
  { name: 'platform body with an unknown field', handler: platformTenants.POST, opts: () => ({ method: 'POST', path: '/api/platform/tenants', body: { name: 'Org', ownerEmail: 'o@example.test', plan: 'standard', free: true }, headers: { authorization: `Bearer ${PLATFORM_TOKEN}` } }), status: 422, code: 'validation_failed' },
  { name: 'platform body with an unknown plan', handler: platformTenants.POST, opts: () => ({ method: 'POST', path: '/api/platform/tenants', body: { name: 'Org', ownerEmail: 'o@example.test', plan: 'platinum' }, headers: { authorization: `Bearer ${PLATFORM_TOKEN}` } }), status: 422, code: 'validation_failed' },
  { name: 'malformed platform JSON', handler: platformTenants.POST, opts: () => ({ method: 'POST', path: '/api/platform/tenants', rawBody: '{', headers: { ...json, authorization: `Bearer ${PLATFORM_TOKEN}` } }), status: 400, code: 'invalid_json' },
  // Ids.
  { name: 'member id that is not a uuid', handler: memberById.PATCH, opts: () => ({ method: 'PATCH', path: '/api/v1/members/abc', params: { id: 'abc' }, body: { roleId }, as: key }), status: 400, code: 'invalid_id' },
  { name: 'numeric role id', handler: roleById.DELETE, opts: () => ({ method: 'DELETE', path: '/api/v1/roles/123', params: { id: '123' }, as: key }), status: 400, code: 'invalid_id' },
  { name: 'SQL in an id', handler: apiKeyById.DELETE, opts: () => ({ method: 'DELETE', path: '/api/v1/api-keys/x', params: { id: "' or 1=1; drop table api_keys; --" }, as: key }), status: 400, code: 'invalid_id' },
  { name: 'path traversal in an id', handler: revokeSessions.POST, opts: () => ({ method: 'POST', path: '/api/v1/members/x/revoke-sessions', params: { id: '../../roles' }, as: key }), status: 400, code: 'invalid_id' },
  { name: 'uuid with trailing junk', handler: memberById.DELETE, opts: () => ({ method: 'DELETE', path: '/api/v1/members/x', params: { id: `${randomUUID()}x` }, as: key }), status: 400, code: 'invalid_id' },
  { name: 'X-Tenant-Id that is not a uuid', handler: membersRoute.GET, opts: () => ({ path: '/api/v1/members', as: { cookie: session.cookie, tenantId: 'acme' } }), status: 400, code: 'invalid_id' },
  { name: 'tenant id in a switch that is not a uuid', handler: meTenant.POST, opts: () => ({ method: 'POST', path: '/api/v1/me/tenant', body: { tenantId: 'acme' }, as: { cookie: session.cookie } }), status: 422, code: 'validation_failed' },
  // Cursors.
  { name: 'garbage cursor', handler: membersRoute.GET, opts: () => listMembers('?cursor=garbage'), status: 400, code: 'bad_request' },
  { name: 'cursor with the wrong fields', handler: membersRoute.GET, opts: () => listMembers(`?cursor=${Buffer.from('{"t":"yesterday","id":"x"}').toString('base64url')}`), status: 400, code: 'bad_request' },
  { name: 'cursor carrying SQL', handler: apiKeysRoute.GET, opts: () => ({ path: `/api/v1/api-keys?cursor=${Buffer.from(`{"t":"2020-01-01T00:00:00Z","id":"' or 1=1 --"}`).toString('base64url')}`, as: key }), status: 400, code: 'bad_request' },
  { name: 'overlong cursor', handler: invitationsRoute.GET, opts: () => ({ path: `/api/v1/invitations?cursor=${'a'.repeat(500)}`, as: key }), status: 422, code: 'validation_failed' },
  // Credentials.
  { name: 'Bearer with no token', handler: membersRoute.GET, opts: () => ({ path: '/api/v1/members', headers: { authorization: 'Bearer' } }), status: 401, code: 'unauthenticated' },
  { name: 'Bearer token that is not an API key', handler: membersRoute.GET, opts: () => ({ path: '/api/v1/members', headers: { authorization: "Bearer ' or 1=1 --" } }), status: 401, code: 'unauthenticated' },
  { name: 'well-formed API key that does not exist', handler: membersRoute.GET, opts: () => ({ path: '/api/v1/members', headers: { authorization: `Bearer rfx_${'A'.repeat(43)}` } }), status: 401, code: 'unauthenticated' },
  {
    name: 'cookie-authenticated write from another site',
    handler: rolesRoute.POST,
    opts: () => ({
      method: 'POST',
      path: '/api/v1/roles',
      body: { name: 'Cross-site', permissions: ['members:read'] },
      headers: { cookie: session.cookie, 'x-tenant-id': t.tenantId, origin: 'https://evil.example' },
    }),
    status: 403,
    code: 'forbidden',
  },
  { name: 'garbage session cookie', handler: membersRoute.GET, opts: () => ({ path: '/api/v1/members', headers: { cookie: 'better-auth.session_token=garbage' } }), status: 401, code: 'unauthenticated' },
];

beforeAll(async () => {
  resetEnvForTests();
  t = await provision();
  key = { apiKey: t.apiKey };
  session = { cookie: (await signIn(t.ownerEmail)).cookie, tenantId: t.tenantId };
  // The audit trail records refusals (401/403) by design; everything else must stay exactly as it was.
  tables = (await listTenantTables()).filter((name) => !name.startsWith('audit_'));
  // Warm up: the key's first use stamps last_used_at, which is not what these cases are about.
  const members = await call(membersRoute.GET, { path: '/api/v1/members', as: key });
  memberId = members.body.items[0].id;
  const roles = await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', body: { name: 'Target', permissions: ['members:read'] }, as: key });
  roleId = roles.body.id;
});

afterAll(async () => {
  delete process.env.PLATFORM_ADMIN_TOKEN;
  resetEnvForTests();
  await closeOwnerDb();
});

function expectErrorShape(res: { status: number; body: any }): void {
  expect(res.body?.error, JSON.stringify(res.body)).toMatchObject({ code: expect.any(String), message: expect.any(String), requestId: expect.any(String) });
  expect(Object.keys(res.body).sort()).toEqual(['error']);
  expect(Object.keys(res.body.error).filter((k) => !['code', 'message', 'requestId', 'details'].includes(k))).toEqual([]);
}

describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  it(`answers ${c.status} ${c.code} with the error shape and changes nothing`, async () => {
    const before = await fingerprint();
    const res = await call(c.handler, c.opts());
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: c.status, code: c.code });
    expectErrorShape(res);
    expect(await fingerprint()).toEqual(before);
  });
});

describe('streamed bodies', () => {
  it.each([
    ['with no Content-Length', {}],
    ['with a Content-Length that lies low', { 'content-length': '20' }],
  ])('an oversized stream %s is cut off at the limit (413), without reading it all', async (_name, headers) => {
    const before = await fingerprint();
    const read = { bytes: 0 };
    const total = 20 * DEFAULT_JSON_LIMIT;
    const res = await call(rolesRoute.POST, createRole({ rawBody: streamOf(total, read), headers: { ...json, ...headers } }));
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 413, code: 'payload_too_large' });
    expectErrorShape(res);
    expect(read.bytes).toBeLessThan(total / 2);
    expect(await fingerprint()).toEqual(before);
  });

  it('a small stream with a valid body is accepted (the limit is not a blanket refusal of streams)', async () => {
    const text = JSON.stringify({ name: `Streamed ${randomUUID().slice(0, 6)}`, permissions: ['members:read'] });
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 10));
        controller.enqueue(bytes.slice(10));
        controller.close();
      },
    });
    const res = await call(rolesRoute.POST, createRole({ rawBody: body, headers: json }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });
});
