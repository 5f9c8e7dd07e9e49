import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as authRoute from '@/app/api/auth/[...all]/route';
import * as apiKeyById from '@/app/api/v1/api-keys/[id]/route';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as invitationById from '@/app/api/v1/invitations/[id]/route';
import * as acceptRoute from '@/app/api/v1/invitations/accept/route';
import * as invitationsRoute from '@/app/api/v1/invitations/route';
import * as meRoute from '@/app/api/v1/me/route';
import * as meSessions from '@/app/api/v1/me/sessions/route';
import * as memberById from '@/app/api/v1/members/[id]/route';
import * as revokeSessions from '@/app/api/v1/members/[id]/revoke-sessions/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as tenantsRoute from '@/app/api/v1/tenants/route';
import { resetEnvForTests } from '@/lib/env';
import { resetLimitersForTests } from '@/lib/ratelimit/limits';
import { closeOwnerDb, ownerRows } from '../helpers/db';
import { BASE, call, provision, signIn, signUp, uniqueEmail, type Identity } from '../helpers/http';
import { addMember, roleIdsOf } from '../helpers/tenancy';
import { PEER_ADDRESS_HEADER } from '@/lib/http/request-meta';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Res = Awaited<ReturnType<typeof call>>;

function expectError(res: Res, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body?.error).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
}

const me = (as: Identity) => call(meRoute.GET, { path: '/api/v1/me', as });
const members = (as: Identity) => call(membersRoute.GET, { path: '/api/v1/members?limit=100', as });

async function sessionCount(userId: string): Promise<number> {
  const [row] = await ownerRows<{ n: number }>(sql`select count(*)::int as n from session where user_id = ${userId}`);
  return row?.n ?? -1;
}

// The clock that sessions, keys and invitations read (Date only; timers stay real, so drivers keep working).
function freezeClock(at: number): (offsetMs: number) => void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(at);
  return (offsetMs) => vi.setSystemTime(at + offsetMs);
}

let owner: Awaited<ReturnType<typeof provision>>;
let ownerKey: Identity;
let roles: Record<string, string>;

beforeAll(async () => {
  owner = await provision();
  ownerKey = { apiKey: owner.apiKey };
  roles = await roleIdsOf(ownerKey);
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(closeOwnerDb);

describe('session lifetime', () => {
  it('activity keeps a session alive, but never past the absolute 24 h', async () => {
    const at = freezeClock(Date.now());
    const user = await signUp();
    // Active every 50 minutes, i.e. never idle for the 60-minute timeout, for a whole day.
    for (let t = 50 * MINUTE; t < DAY; t += 50 * MINUTE) {
      at(t);
      expect((await me({ cookie: user.cookie })).status, `at ${t / MINUTE} min`).toBe(200);
    }
    at(DAY - MINUTE);
    expect((await me({ cookie: user.cookie })).status).toBe(200);
    at(DAY + MINUTE);
    expectError(await me({ cookie: user.cookie }), 401, 'unauthenticated');
    expect(await sessionCount(user.userId)).toBe(0);
  });

  it('an idle session is refused after SESSION_IDLE_MINUTES (default 60) and removed', async () => {
    const at = freezeClock(Date.now());
    const user = await signUp();
    at(30 * MINUTE);
    expect((await me({ cookie: user.cookie })).status).toBe(200);
    at(30 * MINUTE + 59 * MINUTE);
    expect((await me({ cookie: user.cookie })).status).toBe(200);
    at(30 * MINUTE + 59 * MINUTE + 61 * MINUTE);
    expectError(await me({ cookie: user.cookie }), 401, 'unauthenticated');
    expect(await sessionCount(user.userId)).toBe(0);
    // Going back in time does not resurrect it.
    at(31 * MINUTE);
    expectError(await me({ cookie: user.cookie }), 401, 'unauthenticated');
  });

  it('SESSION_IDLE_MINUTES is honoured when set', async () => {
    process.env.SESSION_IDLE_MINUTES = '5';
    resetEnvForTests();
    try {
      const at = freezeClock(Date.now());
      const user = await signUp();
      at(4 * MINUTE);
      expect((await me({ cookie: user.cookie })).status).toBe(200);
      at(8 * MINUTE);
      expect((await me({ cookie: user.cookie })).status).toBe(200);
      at(14 * MINUTE);
      expectError(await me({ cookie: user.cookie }), 401, 'unauthenticated');
    } finally {
      delete process.env.SESSION_IDLE_MINUTES;
      resetEnvForTests();
    }
  });
});

describe('ending sessions', () => {
  it('sign out everywhere ends every session of the user, and only theirs', async () => {
    const user = await signUp();
    const second = await signIn(user.email);
    const bystander = await signUp();
    expect((await me({ cookie: user.cookie })).status).toBe(200);
    expect((await me({ cookie: second.cookie })).status).toBe(200);
    expect(await sessionCount(user.userId)).toBe(2);

    const out = await call(meSessions.DELETE, { method: 'DELETE', path: '/api/v1/me/sessions', as: { cookie: second.cookie } });
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ ok: true });
    expectError(await me({ cookie: user.cookie }), 401, 'unauthenticated');
    expectError(await me({ cookie: second.cookie }), 401, 'unauthenticated');
    expect(await sessionCount(user.userId)).toBe(0);
    expect((await me({ cookie: bystander.cookie })).status).toBe(200);
  });

  it("an admin's revoke-sessions ends every session of that member", async () => {
    const admin = await addMember(ownerKey, owner.tenantId, 'admin');
    const target = await addMember(ownerKey, owner.tenantId, 'member');
    const targetSecond = await signIn(target.email);
    expect((await members(target.as)).status).toBe(200);

    const res = await call(revokeSessions.POST, {
      method: 'POST',
      path: `/api/v1/members/${target.membershipId}/revoke-sessions`,
      params: { id: target.membershipId },
      as: admin.as,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ revoked: 2 });
    expectError(await members(target.as), 401, 'unauthenticated');
    expectError(await me({ cookie: targetSecond.cookie }), 401, 'unauthenticated');
    // The admin's own session is untouched, and the member is still a member (they can sign in again).
    expect((await members(admin.as)).status).toBe(200);
    const again = await signIn(target.email);
    expect((await members({ cookie: again.cookie, tenantId: owner.tenantId })).status).toBe(200);
  });

  it("removing a member ends their access to that tenant at once (and their keys'), while their other tenants work", async () => {
    const person = await addMember(ownerKey, owner.tenantId, 'admin');
    const own = await call(tenantsRoute.POST, { method: 'POST', path: '/api/v1/tenants', body: { name: 'Side project' }, as: { cookie: person.cookie } });
    expect(own.status).toBe(201);
    const elsewhere = { cookie: person.cookie, tenantId: own.body.id as string };
    const key = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'Mine', scopes: ['members:read'] }, as: person.as });
    expect(key.status).toBe(201);
    expect((await members(person.as)).status).toBe(200);
    expect((await members({ apiKey: key.body.secret })).status).toBe(200);

    const removed = await call(memberById.DELETE, { method: 'DELETE', path: `/api/v1/members/${person.membershipId}`, params: { id: person.membershipId }, as: ownerKey });
    expect(removed.status).toBe(204);
    expectError(await members(person.as), 404, 'not_found');
    expectError(await members({ apiKey: key.body.secret }), 401, 'unauthenticated');
    expect((await members(elsewhere)).status).toBe(200);
    const mine = await me({ cookie: person.cookie });
    expect(mine.body.tenants.map((x: { id: string }) => x.id)).toEqual([own.body.id]);
  });
});

describe('invitations', () => {
  const invite = async (email: string, roleId = roles.viewer) => {
    const res = await call(invitationsRoute.POST, { method: 'POST', path: '/api/v1/invitations', body: { email, roleId }, as: ownerKey });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; token: string };
  };
  const accept = (token: string, cookie: string) => call(acceptRoute.POST, { method: 'POST', path: '/api/v1/invitations/accept', body: { token }, as: { cookie } });
  const statusOf = async (id: string) => {
    const list = await call(invitationsRoute.GET, { path: '/api/v1/invitations?limit=100', as: ownerKey });
    return (list.body.items as { id: string; status: string }[]).find((i) => i.id === id)?.status;
  };

  it('only the invited address can accept, once', async () => {
    const invitee = await signUp(uniqueEmail('invitee'));
    const stranger = await signUp(uniqueEmail('stranger'));
    const inv = await invite(invitee.email);

    expectError(await accept(inv.token, stranger.cookie), 403, 'forbidden');
    expect(await statusOf(inv.id)).toBe('pending');
    expectError(await members({ cookie: stranger.cookie, tenantId: owner.tenantId }), 404, 'not_found');

    const ok = await accept(inv.token, invitee.cookie);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toEqual({ tenantId: owner.tenantId });
    expect(await statusOf(inv.id)).toBe('accepted');
    expect((await members({ cookie: invitee.cookie, tenantId: owner.tenantId })).status).toBe(200);

    expectError(await accept(inv.token, invitee.cookie), 409, 'conflict');
    // A stranger holding the used link learns nothing about its state.
    expectError(await accept(inv.token, stranger.cookie), 403, 'forbidden');
  });

  it('an expired invitation answers 410, a revoked or unknown one 404', async () => {
    const at = freezeClock(Date.now());
    const email = uniqueEmail('late');
    const inv = await invite(email);
    at(8 * DAY);
    const late = await signUp(email);
    expectError(await accept(inv.token, late.cookie), 410, 'gone');
    expect(await statusOf(inv.id)).toBe('expired');
    vi.useRealTimers();

    const revokedEmail = uniqueEmail('revoked');
    const revoked = await invite(revokedEmail);
    const del = await call(invitationById.DELETE, { method: 'DELETE', path: `/api/v1/invitations/${revoked.id}`, params: { id: revoked.id }, as: ownerKey });
    expect(del.status).toBe(200);
    const revokedUser = await signUp(revokedEmail);
    expectError(await accept(revoked.token, revokedUser.cookie), 404, 'not_found');
    expectError(await accept('x'.repeat(43), revokedUser.cookie), 404, 'not_found');
    expectError(await members({ cookie: revokedUser.cookie, tenantId: owner.tenantId }), 404, 'not_found');
  });
});

describe('API keys', () => {
  const createKey = async (body: Record<string, unknown>) => {
    const res = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'Test key', scopes: ['members:read'], ...body }, as: ownerKey });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; secret: string; prefix: string; lastUsedAt: string | null };
  };
  const listed = async (id: string) => {
    const list = await call(apiKeysRoute.GET, { path: '/api/v1/api-keys?limit=100', as: ownerKey });
    expect(JSON.stringify(list.body)).not.toContain('"secret"');
    return (list.body.items as { id: string; prefix: string; lastUsedAt: string | null; revokedAt: string | null }[]).find((k) => k.id === id);
  };

  it('the secret is stored nowhere: not in api_keys, not in any column of any table; only its hash and prefix are kept', async () => {
    const key = await createKey({});
    const invitation = await call(invitationsRoute.POST, { method: 'POST', path: '/api/v1/invitations', body: { email: uniqueEmail('scan'), roleId: roles.viewer }, as: ownerKey });
    const secrets = [key.secret, owner.apiKey, invitation.body.token as string];
    const [stored] = await ownerRows<{ key_hash: string; prefix: string }>(sql`select key_hash, prefix from api_keys where id = ${key.id}`);
    expect(stored?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.key_hash).not.toBe(key.secret);
    expect(stored?.prefix).toBe(key.secret.slice(0, 12));
    expect(key.secret.startsWith(stored?.prefix ?? '?')).toBe(true);

    const tables = await ownerRows<{ schema: string; name: string }>(sql`
      select n.nspname::text as schema, c.relname::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'm') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'`);
    expect(tables.map((t) => t.name)).toContain('api_keys');
    // Whole rows cast to text: every column of every table, whatever its type.
    const needles = secrets.flatMap((s) => [s, s.replace(/^rfx_/, '')]);
    const found: string[] = [];
    for (const t of tables) {
      for (const needle of needles) {
        const [hit] = await ownerRows<{ n: number }>(
          sql`select count(*)::int as n from ${sql.identifier(t.schema)}.${sql.identifier(t.name)} x where position(${needle} in x::text) > 0`,
        );
        if (hit?.n) found.push(`${t.schema}.${t.name} holds ${needle.slice(0, 8)}…`);
      }
    }
    expect(found).toEqual([]);
    expect((await listed(key.id))?.prefix).toBe(key.prefix);
  });

  it('last_used_at is set on use; revocation is immediate', async () => {
    const key = await createKey({});
    expect(key.lastUsedAt).toBeNull();
    expect((await listed(key.id))?.lastUsedAt).toBeNull();
    expect((await members({ apiKey: key.secret })).status).toBe(200);
    expect((await listed(key.id))?.lastUsedAt).toEqual(expect.any(String));

    const revoked = await call(apiKeyById.DELETE, { method: 'DELETE', path: `/api/v1/api-keys/${key.id}`, params: { id: key.id }, as: ownerKey });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expectError(await members({ apiKey: key.secret }), 401, 'unauthenticated');
    expectError(await me({ apiKey: key.secret }), 401, 'unauthenticated');
  });

  it('an expired key is refused', async () => {
    const start = Date.now();
    const at = freezeClock(start);
    const key = await createKey({ expiresAt: new Date(start + HOUR).toISOString() });
    at(59 * MINUTE);
    expect((await members({ apiKey: key.secret })).status).toBe(200);
    at(61 * MINUTE);
    expectError(await members({ apiKey: key.secret }), 401, 'unauthenticated');
  });
});

describe('login rate limit', () => {
  const LIMIT = 3;
  const attempt = (path: string, body: unknown, ip: string) =>
    call(authRoute.POST, { method: 'POST', path, body, headers: { origin: BASE, [PEER_ADDRESS_HEADER]: ip } });

  afterAll(() => {
    process.env.RATE_LIMIT_AUTH_PER_MINUTE = '100000';
    resetEnvForTests();
    resetLimitersForTests();
  });

  it(`answers 429 with Retry-After after RATE_LIMIT_AUTH_PER_MINUTE (${LIMIT}) attempts from one address`, async () => {
    // Mid-minute, so the sliding window cannot roll over between attempts.
    freezeClock(Math.floor(Date.now() / MINUTE) * MINUTE + 20_000);
    process.env.RATE_LIMIT_AUTH_PER_MINUTE = String(LIMIT);
    resetEnvForTests();
    resetLimitersForTests();
    const victim = await signUp();
    // Fresh addresses per run, in case the limits live in a shared KV.
    const ip = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const otherIp = `10.78.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

    for (let i = 0; i < LIMIT; i++) {
      const res = await attempt('/api/auth/sign-in/email', { email: victim.email, password: 'wrong password here' }, ip);
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const limited = await attempt('/api/auth/sign-in/email', { email: victim.email, password: 'wrong password here' }, ip);
    expectError(limited, 429, 'rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);

    // The right password does not get through either, nor does a sign-up from that address.
    expectError(await attempt('/api/auth/sign-in/email', { email: victim.email, password: victim.password }, ip), 429, 'rate_limited');
    expectError(await attempt('/api/auth/sign-up/email', { email: uniqueEmail('new'), password: victim.password, name: 'New' }, ip), 429, 'rate_limited');
    // Another address is unaffected, and the victim can still sign in from it.
    const elsewhere = await attempt('/api/auth/sign-in/email', { email: victim.email, password: victim.password }, otherIp);
    expect(elsewhere.status).toBe(200);
  });
});
