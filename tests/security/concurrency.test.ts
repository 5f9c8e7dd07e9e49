import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as invitationsRoute from '@/app/api/v1/invitations/route';
import * as meRoute from '@/app/api/v1/me/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import { ensureUser } from '@/lib/auth/users';
import { memberships, roles } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { asAppUserWithoutTenant, attempt, closeOwnerDb, errorText, sqlState } from '../helpers/db';
import { call, provision, signIn, uniqueEmail, type Identity } from '../helpers/http';

// Many tenants, many interleaved requests through the real route handlers (on PostgreSQL through the pool):
// no response ever carries another tenant's row, and no connection leaks a tenant into the next transaction.

const TENANTS = 8;
const REQUESTS = 200;

interface T {
  index: number;
  id: string;
  marker: string;
  key: Identity;
  session: Identity;
  memberEmails: Set<string>;
  keyIds: Set<string>;
  invitationIds: Set<string>;
  roleIds: Set<string>;
}

const tenants: T[] = [];

async function setUpTenant(index: number): Promise<T> {
  const marker = `t${index}x${Math.random().toString(36).slice(2, 8)}`;
  const p = await provision(`Tenant ${marker}`, uniqueEmail(marker));
  const key = { apiKey: p.apiKey };
  // Extra members straight through the domain's tables: how they got there is not the point here.
  const extra = index % 3;
  const emails = [p.ownerEmail];
  for (let i = 0; i < extra; i++) {
    const email = uniqueEmail(marker);
    const user = await ensureUser({ email });
    await withTenant(p.tenantId, async (tx) => {
      const [viewer] = await tx.select({ id: roles.id }).from(roles).where(sql`${roles.key} = 'viewer'`);
      await tx.insert(memberships).values({ tenantId: p.tenantId, userId: user.id, roleId: viewer?.id ?? '' });
    });
    emails.push(email);
  }
  const roleList = await call(rolesRoute.GET, { path: '/api/v1/roles', as: key });
  const viewerRoleId = (roleList.body.items as { key: string; id: string }[]).find((r) => r.key === 'viewer')?.id;
  const inv = await call(invitationsRoute.POST, { method: 'POST', path: '/api/v1/invitations', body: { email: uniqueEmail(marker), roleId: viewerRoleId }, as: key });
  const extraKey = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: `${marker} key`, scopes: ['members:read'] }, as: key });
  const keys = await call(apiKeysRoute.GET, { path: '/api/v1/api-keys', as: key });
  const { cookie } = await signIn(p.ownerEmail);
  return {
    index,
    id: p.tenantId,
    marker,
    key,
    session: { cookie, tenantId: p.tenantId },
    memberEmails: new Set(emails),
    keyIds: new Set((keys.body.items as { id: string }[]).map((k) => k.id).concat(extraKey.body.id)),
    invitationIds: new Set([inv.body.id as string]),
    roleIds: new Set((roleList.body.items as { id: string }[]).map((r) => r.id)),
  };
}

beforeAll(async () => {
  for (let i = 0; i < TENANTS; i++) tenants.push(await setUpTenant(i));
});

afterAll(closeOwnerDb);

type Kind = 'members' | 'roles' | 'api-keys' | 'invitations' | 'me' | 'create-role';
const KINDS: Kind[] = ['members', 'roles', 'api-keys', 'invitations', 'me', 'create-role'];

interface Outcome {
  tenant: T;
  kind: Kind;
  viaSession: boolean;
  status: number;
  body: any;
}

async function request(tenant: T, kind: Kind, n: number): Promise<Outcome> {
  const viaSession = n % 4 === 0;
  const as = viaSession ? tenant.session : tenant.key;
  let res;
  if (kind === 'members') res = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as });
  else if (kind === 'roles') res = await call(rolesRoute.GET, { path: '/api/v1/roles', as });
  else if (kind === 'api-keys') res = await call(apiKeysRoute.GET, { path: '/api/v1/api-keys?limit=100', as });
  else if (kind === 'invitations') res = await call(invitationsRoute.GET, { path: '/api/v1/invitations?limit=100', as });
  else if (kind === 'me') res = await call(meRoute.GET, { path: '/api/v1/me', as });
  else res = await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', body: { name: `${tenant.marker} r${n}`, permissions: ['members:read'] }, as });
  return { tenant, kind, viaSession, status: res.status, body: res.body };
}

// Everything a response may contain for tenant t; any id of another tenant is a leak.
function leaksIn(o: Outcome): string[] {
  const t = o.tenant;
  const others = tenants.filter((x) => x !== t);
  const text = JSON.stringify(o.body);
  const leaks = others.filter((x) => text.includes(x.id) || text.includes(x.marker)).map((x) => `tenant ${x.index}`);
  const items: any[] = o.body?.items ?? [];
  if (o.kind === 'members') leaks.push(...items.filter((m) => !t.memberEmails.has(m.email)).map((m) => `member ${m.email}`));
  if (o.kind === 'api-keys') leaks.push(...items.filter((k) => !t.keyIds.has(k.id)).map((k) => `key ${k.id}`));
  if (o.kind === 'invitations') leaks.push(...items.filter((i) => !t.invitationIds.has(i.id)).map((i) => `invitation ${i.id}`));
  if (o.kind === 'roles') leaks.push(...items.filter((r) => !t.roleIds.has(r.id) && !String(r.name).startsWith(`${t.marker} `)).map((r) => `role ${r.name}`));
  // A key is bound to its tenant; a browser session lists the user's organizations (no active one chosen here).
  if (o.kind === 'me' && !o.viaSession && o.body?.tenant?.id !== t.id) leaks.push(`me says tenant ${o.body?.tenant?.id}`);
  if (o.kind === 'me' && o.viaSession && JSON.stringify(o.body?.tenants?.map((x: { id: string }) => x.id)) !== JSON.stringify([t.id])) {
    leaks.push(`me lists ${JSON.stringify(o.body?.tenants)}`);
  }
  return leaks;
}

describe(`${TENANTS} tenants, ${REQUESTS} interleaved requests`, () => {
  it('every response is complete and carries only its own tenant’s rows', async () => {
    const plan = Array.from({ length: REQUESTS }, (_, n) => ({ tenant: tenants[(n * 5 + Math.floor(n / 7)) % TENANTS] as T, kind: KINDS[n % KINDS.length] as Kind, n }));
    const outcomes = await Promise.all(plan.map((p) => request(p.tenant, p.kind, p.n)));

    const failed = outcomes.filter((o) => o.status !== (o.kind === 'create-role' ? 201 : 200));
    expect(failed.map((o) => `${o.kind} ${o.status} ${JSON.stringify(o.body)}`)).toEqual([]);
    const leaks = outcomes.flatMap((o) => leaksIn(o).map((l) => `${o.kind} for tenant ${o.tenant.index}${o.viaSession ? ' (session)' : ''}: ${l}`));
    expect(leaks).toEqual([]);
    // Completeness: a list shows all of its tenant's members, not a shifted page of someone else's.
    for (const o of outcomes.filter((x) => x.kind === 'members')) {
      expect(new Set((o.body.items as { email: string }[]).map((m) => m.email))).toEqual(o.tenant.memberEmails);
    }
    expect(new Set(outcomes.map((o) => o.tenant.index)).size).toBe(TENANTS);
    expect(outcomes.some((o) => o.viaSession)).toBe(true);
  });

  it("each tenant ended up with exactly the roles created in its own name", async () => {
    for (const t of tenants) {
      const list = await call(rolesRoute.GET, { path: '/api/v1/roles', as: t.key });
      const custom = (list.body.items as { builtin: boolean; name: string }[]).filter((r) => !r.builtin).map((r) => r.name);
      const expected = Array.from({ length: REQUESTS }, (_, n) => n)
        .filter((n) => KINDS[n % KINDS.length] === 'create-role' && (n * 5 + Math.floor(n / 7)) % TENANTS === t.index)
        .map((n) => `${t.marker} r${n}`);
      expect(custom.sort()).toEqual(expected.sort());
    }
  });

  it('no connection carries a tenant into a later transaction that sets none', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => asAppUserWithoutTenant((tx) => attempt(queryRows<{ n: number }>(tx, sql`select count(*)::int as n from memberships`)))),
    );
    for (const o of outcomes) {
      // Fails closed either way: no rows when the setting was never made, an invalid-uuid error when it is ''.
      if (o.ok) expect(o.value).toEqual([{ n: 0 }]);
      else expect(sqlState(o.error), errorText(o.error)).toBe('22P02');
    }
  });
});
