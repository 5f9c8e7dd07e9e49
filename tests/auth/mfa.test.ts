import { randomUUID } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as authRoute from '@/app/api/auth/[...all]/route';
import * as resetMfaRoute from '@/app/api/v1/members/[id]/reset-mfa/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as meRoute from '@/app/api/v1/me/route';
import * as securityRoute from '@/app/api/v1/settings/security/route';
import * as tenantsRoute from '@/app/api/v1/tenants/route';
import { withTenant } from '@/lib/db/tenant';
import { setQuotaOverrides } from '@/lib/quotas';
import { closeOwnerDb } from '../helpers/db';
import { getAuth } from '@/lib/auth/auth';
import { BASE, call, markEmailVerified, provision, type Identity } from '../helpers/http';
import { addMember, type Member } from '../helpers/tenancy';
import { storedEntries } from '../audit/audit-helpers';

const PASSWORD = 'correct horse battery';

// The cookies a response leaves in the browser: set ones replace, expired ones are dropped.
function applyCookies(jar: string, res: { headers: Headers }): string {
  const cookies = new Map(jar.split('; ').filter(Boolean).map((c) => [c.split('=')[0] ?? '', c]));
  for (const line of res.headers.getSetCookie()) {
    const pair = line.split(';')[0] ?? '';
    const name = pair.split('=')[0] ?? '';
    if (/max-age=0/i.test(line) || pair.endsWith('=')) cookies.delete(name);
    else cookies.set(name, pair);
  }
  return [...cookies.values()].join('; ');
}

const auth = (path: string, body: unknown, cookie = '') =>
  call(authRoute.POST, { method: 'POST', path: `/api/auth${path}`, body, headers: { origin: BASE, ...(cookie ? { cookie } : {}) } });

const me = (cookie: string) => call(meRoute.GET, { path: '/api/v1/me', as: { cookie } });
const members = (as: Identity) => call(membersRoute.GET, { path: '/api/v1/members?limit=100', as });

interface Enrolled {
  totp: OTPAuth.TOTP;
  backupCodes: string[];
  cookie: string;
}

// What the profile page does: ask for a secret with the password, show the QR code, confirm with the first code.
async function enrol(cookie: string): Promise<Enrolled> {
  const started = await auth('/two-factor/enable', { password: PASSWORD }, cookie);
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const parsed = OTPAuth.URI.parse(started.body.totpURI);
  if (!(parsed instanceof OTPAuth.TOTP)) throw new Error('not a TOTP URI');
  const confirmed = await auth('/two-factor/verify-totp', { code: parsed.generate() }, cookie);
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  return { totp: parsed, backupCodes: started.body.backupCodes, cookie: applyCookies(cookie, confirmed) };
}

// Password first; with MFA on, that yields no session but a pending second step.
async function passwordStep(email: string): Promise<{ status: number; body: { twoFactorRedirect?: boolean }; cookie: string }> {
  const res = await auth('/sign-in/email', { email, password: PASSWORD });
  return { status: res.status, body: res.body, cookie: applyCookies('', res) };
}

async function signInWithCode(email: string, code: () => string, path = '/two-factor/verify-totp'): Promise<{ status: number; cookie: string }> {
  const first = await passwordStep(email);
  expect(first.body.twoFactorRedirect).toBe(true);
  const second = await auth(path, { code: code() }, first.cookie);
  return { status: second.status, cookie: applyCookies(first.cookie, second) };
}

let owner: Awaited<ReturnType<typeof provision>>;
let ownerKey: Identity;
let ownerSession: { cookie: string; tenantId: string };
let ownerMfa: Enrolled;

beforeAll(async () => {
  owner = await provision('Cyberdyne');
  ownerKey = { apiKey: owner.apiKey };
  await withTenant(owner.tenantId, (tx) => setQuotaOverrides(tx, owner.tenantId, { members: 100 }));
  const first = await passwordStep(owner.ownerEmail);
  ownerMfa = await enrol(first.cookie);
  ownerSession = { cookie: ownerMfa.cookie, tenantId: owner.tenantId };
});

afterAll(closeOwnerDb);

describe('TOTP enrolment and sign-in', () => {
  it('after enrolment, a password alone gives no session: the code completes the sign-in', async () => {
    const person = await addMember(ownerKey, owner.tenantId, 'member');
    const enrolled = await enrol(person.cookie);
    expect((await me(enrolled.cookie)).body.user).toMatchObject({ twoFactorEnabled: true });
    await auth('/sign-out', {}, enrolled.cookie);

    const first = await passwordStep(person.email);
    expect(first).toMatchObject({ status: 200, body: { twoFactorRedirect: true } });
    expect((await me(first.cookie)).status).toBe(401);
    const wrong = await auth('/two-factor/verify-totp', { code: '000000' }, first.cookie);
    expect(wrong.status).toBe(401);
    const done = await auth('/two-factor/verify-totp', { code: enrolled.totp.generate() }, first.cookie);
    expect(done.status).toBe(200);
    const cookie = applyCookies(first.cookie, done);
    expect((await members({ cookie, tenantId: owner.tenantId })).status).toBe(200);

    const actions = (await storedEntries(owner.tenantId)).filter((e) => e.actor_id === person.userId).map((e) => `${e.action}:${String(e.metadata.method ?? '')}`);
    expect(actions).toEqual(expect.arrayContaining(['auth.mfaEnabled:', 'auth.signIn:password', 'auth.signIn:totp']));
  });

  it('a backup code completes a sign-in once', async () => {
    const person = await addMember(ownerKey, owner.tenantId, 'member');
    const enrolled = await enrol(person.cookie);
    const [code, other] = enrolled.backupCodes;
    expect(enrolled.backupCodes).toHaveLength(10);
    const once = await signInWithCode(person.email, () => code ?? '', '/two-factor/verify-backup-code');
    expect(once.status).toBe(200);
    expect((await me(once.cookie)).status).toBe(200);
    const twice = await signInWithCode(person.email, () => code ?? '', '/two-factor/verify-backup-code');
    expect(twice.status).toBe(401);
    expect((await signInWithCode(person.email, () => other ?? '', '/two-factor/verify-backup-code')).status).toBe(200);
  });
});

describe('organization MFA policy', () => {
  const setPolicy = (as: Identity, required: 'off' | 'admins' | 'all') =>
    call(securityRoute.PATCH, { method: 'PATCH', path: '/api/v1/settings/security', body: { mfa: { required } }, as });

  it('cannot be turned on by someone who has not enrolled themselves', async () => {
    const admin = await addMember(ownerKey, owner.tenantId, 'admin');
    const res = await setPolicy(admin.as, 'all');
    expect(res.status).toBe(409);
    expect((await call(securityRoute.GET, { path: '/api/v1/settings/security', as: ownerKey })).body).toEqual({ mfa: { required: 'off' }, emailVerification: { required: false } });
  });

  it('"all": members without MFA get 403 mfa_required with the next step until they enrol; API keys are unaffected', async () => {
    const person = await addMember(ownerKey, owner.tenantId, 'member');
    expect((await setPolicy(ownerSession, 'all')).status).toBe(200);
    try {
      const refused = await members(person.as);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'mfa_required', details: { nextStep: { page: '/app/profile?required=mfa' } } });
      expect((await me(person.cookie)).body.policy).toEqual({ mfaRequired: true, emailVerificationRequired: false, blocked: 'mfa' });
      expect((await members(ownerKey)).status).toBe(200);
      expect((await members(ownerSession)).status).toBe(200);
      // Their own organizations elsewhere are not this policy's business.
      const own = await call(tenantsRoute.POST, { method: 'POST', path: '/api/v1/tenants', body: { name: 'Side project' }, as: { cookie: person.cookie } });
      expect((await members({ cookie: person.cookie, tenantId: own.body.id })).status).toBe(200);

      const enrolled = await enrol(person.cookie);
      expect((await members({ cookie: enrolled.cookie, tenantId: owner.tenantId })).status).toBe(200);
      expect((await me(enrolled.cookie)).body.policy.blocked).toBeNull();
    } finally {
      expect((await setPolicy(ownerSession, 'off')).status).toBe(200);
    }
  });

  it('"admins": owners, admins and roles that manage the organization, not plain members', async () => {
    const plain = await addMember(ownerKey, owner.tenantId, 'member');
    const admin = await addMember(ownerKey, owner.tenantId, 'admin');
    expect((await setPolicy(ownerSession, 'admins')).status).toBe(200);
    try {
      expect((await members(plain.as)).status).toBe(200);
      expect((await members(admin.as)).body.error?.code).toBe('mfa_required');
    } finally {
      expect((await setPolicy(ownerSession, 'off')).status).toBe(200);
    }
  });

  it("another organization's security settings answer like an organization that does not exist", async () => {
    const other = await provision('Wayland');
    const attempt = (tenantId: string) =>
      call(securityRoute.PATCH, { method: 'PATCH', path: '/api/v1/settings/security', body: { emailVerification: { required: true } }, as: { cookie: ownerSession.cookie, tenantId } });
    const foreign = await attempt(other.tenantId);
    const unknown = await attempt(randomUUID());
    expect(foreign.status).toBe(404);
    expect({ ...foreign.body.error, requestId: null }).toEqual({ ...unknown.body.error, requestId: null });
    const read = await call(securityRoute.GET, { path: '/api/v1/settings/security', as: { cookie: ownerSession.cookie, tenantId: other.tenantId } });
    expect(read.status).toBe(404);
    expect((await call(securityRoute.GET, { path: '/api/v1/settings/security', as: { apiKey: other.apiKey } })).body.emailVerification.required).toBe(false);
  });

  it('email verification: a member whose address is not verified is sent to verify it', async () => {
    const person = await addMember(ownerKey, owner.tenantId, 'member');
    await (await (await getAuth()).$context).internalAdapter.updateUser(person.userId, { emailVerified: false });
    const on = await call(securityRoute.PATCH, { method: 'PATCH', path: '/api/v1/settings/security', body: { emailVerification: { required: true } }, as: ownerKey });
    expect(on.body).toEqual({ mfa: { required: 'off' }, emailVerification: { required: true } });
    try {
      const refused = await members(person.as);
      expect(refused.body.error).toMatchObject({ code: 'email_verification_required', details: { nextStep: { page: '/verify-email' } } });
      await markEmailVerified(person.userId);
      expect((await members(person.as)).status).toBe(200);
    } finally {
      await call(securityRoute.PATCH, { method: 'PATCH', path: '/api/v1/settings/security', body: { emailVerification: { required: false } }, as: ownerKey });
    }
  });
});

describe("an owner resets a member's MFA", () => {
  const reset = (as: Identity, id: string) => call(resetMfaRoute.POST, { method: 'POST', path: `/api/v1/members/${id}/reset-mfa`, params: { id }, as });

  async function enrolledMember(role = 'member'): Promise<Member & { mfa: Enrolled }> {
    const person = await addMember(ownerKey, owner.tenantId, role);
    const mfa = await enrol(person.cookie);
    return { ...person, cookie: mfa.cookie, as: { cookie: mfa.cookie, tenantId: owner.tenantId }, mfa };
  }

  it('removes the factor, ends their sessions, and is audited', async () => {
    const person = await enrolledMember();
    const res = await reset(ownerSession, person.membershipId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ sessionsRevoked: 1 });
    expect((await me(person.cookie)).status).toBe(401);
    const again = await passwordStep(person.email);
    expect(again.body.twoFactorRedirect).toBeUndefined();
    expect((await me(again.cookie)).body.user.twoFactorEnabled).toBe(false);

    const entry = (await storedEntries(owner.tenantId)).find((e) => e.action === 'resetMemberMfa');
    expect(entry).toMatchObject({ outcome: 'success', actor_type: 'user', target_id: person.membershipId });
  });

  it('only owners, never an API key; not for an account that belongs to another organization too', async () => {
    const admin = await enrolledMember('admin');
    const person = await enrolledMember();
    expect((await reset(admin.as, person.membershipId)).status).toBe(403);
    expect((await reset(ownerKey, person.membershipId)).status).toBe(403);
    const elsewhere = await provision('Elsewhere Inc');
    await addMember({ apiKey: elsewhere.apiKey }, elsewhere.tenantId, 'viewer', person);
    const refused = await reset(ownerSession, person.membershipId);
    expect(refused.status).toBe(409);
    expect((await me(person.cookie)).body.user.twoFactorEnabled).toBe(true);
  });

  it("another tenant's member id answers 404, exactly like an id that does not exist", async () => {
    const other = await provision('Tyrell');
    const theirs = await addMember({ apiKey: other.apiKey }, other.tenantId, 'member');
    const foreign = await reset(ownerSession, theirs.membershipId);
    const missing = await reset(ownerSession, randomUUID());
    expect(foreign.status).toBe(404);
    expect({ ...foreign.body.error, requestId: null }).toEqual({ ...missing.body.error, requestId: null });
  });
});
