import { expect } from 'vitest';
import * as tokensRoute from '@/app/api/v1/settings/scim/tokens/route';
import * as groupById from '@/app/api/scim/v2/Groups/[id]/route';
import * as groupsRoute from '@/app/api/scim/v2/Groups/route';
import * as userById from '@/app/api/scim/v2/Users/[id]/route';
import * as usersRoute from '@/app/api/scim/v2/Users/route';
import { call, type Identity } from '../helpers/http';

// What an identity provider sends: a bearer SCIM token, application/scim+json bodies.

type Handler = Parameters<typeof call>[0];

export const SCIM_BASE = '/api/scim/v2';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export async function scim(
  handler: Handler,
  token: string | null,
  opts: { method?: string; path: string; body?: unknown; params?: Record<string, string>; headers?: Record<string, string> },
) {
  const headers: Record<string, string> = { 'content-type': 'application/scim+json', ...opts.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  return call(handler, { method: opts.method ?? 'GET', path: `${SCIM_BASE}${opts.path}`, body: opts.body, params: opts.params, headers });
}

export async function createToken(admin: Identity, name = 'Okta'): Promise<{ id: string; token: string }> {
  const res = await call(tokensRoute.POST, { method: 'POST', path: '/api/v1/settings/scim/tokens', body: { name }, as: admin });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, token: res.body.token };
}

export const routes = { usersRoute, userById, groupsRoute, groupById };

export async function findUser(token: string, userName: string) {
  return scim(usersRoute.GET, token, { path: `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}` });
}

export async function createUser(token: string, userName: string, extra: Record<string, unknown> = {}) {
  const res = await scim(usersRoute.POST, token, {
    method: 'POST',
    path: '/Users',
    body: { schemas: [USER_SCHEMA], userName, name: { givenName: 'Ada', familyName: 'Lovelace' }, emails: [{ value: userName, primary: true, type: 'work' }], active: true, ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; userName: string; active: boolean };
}

export function expectScimError(res: { status: number; body: any; headers: Headers }, status: number, scimType?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
  expect(res.body.status).toBe(String(status));
  if (scimType) expect(res.body.scimType).toBe(scimType);
  expect(typeof res.body.detail).toBe('string');
}
