import { expect } from 'vitest';
import * as acceptRoute from '@/app/api/v1/invitations/accept/route';
import * as invitationsRoute from '@/app/api/v1/invitations/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import { call, signUp, uniqueEmail, type Identity } from './http';

export interface Member {
  userId: string;
  email: string;
  password: string;
  cookie: string;
  membershipId: string;
  /** The member's browser session, working in the tenant they joined. */
  as: { cookie: string; tenantId: string };
}

export async function roleIdsOf(admin: Identity): Promise<Record<string, string>> {
  const res = await call(rolesRoute.GET, { path: '/api/v1/roles', as: admin });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return Object.fromEntries((res.body.items as { key: string; id: string }[]).map((r) => [r.key, r.id]));
}

// The way people really join: invited by someone allowed to, then accepting as themselves. Signs a new user
// up unless an existing one (with their session cookie) is passed.
export async function addMember(
  admin: Identity,
  tenantId: string,
  roleKeyOrId: string,
  existing?: { userId: string; email: string; password: string; cookie: string },
): Promise<Member> {
  const roles = await roleIdsOf(admin);
  const roleId = roles[roleKeyOrId] ?? roleKeyOrId;
  const person = existing ?? (await signUp(uniqueEmail('member')));
  const invited = await call(invitationsRoute.POST, { method: 'POST', path: '/api/v1/invitations', body: { email: person.email, roleId }, as: admin });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const accepted = await call(acceptRoute.POST, {
    method: 'POST',
    path: '/api/v1/invitations/accept',
    body: { token: invited.body.token },
    as: { cookie: person.cookie },
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  const members = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: admin });
  const membership = (members.body.items as { id: string; userId: string }[]).find((m) => m.userId === person.userId);
  if (!membership) throw new Error('new member not listed');
  return { ...person, membershipId: membership.id, as: { cookie: person.cookie, tenantId } };
}
