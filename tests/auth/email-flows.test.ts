import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as authRoute from '@/app/api/auth/[...all]/route';
import * as resendRoute from '@/app/api/v1/invitations/[id]/resend/route';
import * as acceptRoute from '@/app/api/v1/invitations/accept/route';
import * as previewRoute from '@/app/api/v1/invitations/preview/route';
import * as invitationsRoute from '@/app/api/v1/invitations/route';
import * as meRoute from '@/app/api/v1/me/route';
import { sql } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { queryRows } from '@/lib/db/sql';
import { listAccountEmails } from '@/lib/email/deliveries';
import { resetEnvForTests } from '@/lib/env';
import { PEER_ADDRESS_HEADER } from '@/lib/http/request-meta';
import { resetLimitersForTests } from '@/lib/ratelimit/limits';
import { BASE, call, provision, signIn, signUp, uniqueEmail, type Identity } from '../helpers/http';
import { roleIdsOf } from '../helpers/tenancy';
import { linkIn, type FakeSmtp } from '../fakes/smtp-server';
import { startEmailHarness, waitForMail } from '../email/harness';

const MINUTE = 60_000;
const VERIFY = /Confirm your email address/;
const INVITE = /You are invited/;
const RESET = /Reset your .* password/;
const PASSWORD = 'correct horse battery';

let smtp: FakeSmtp;
let stop: () => Promise<void>;
let owner: Awaited<ReturnType<typeof provision>>;
let ownerKey: Identity;
let roles: Record<string, string>;

beforeAll(async () => {
  ({ smtp, stop } = await startEmailHarness());
  owner = await provision('Initech');
  ownerKey = { apiKey: owner.apiKey };
  roles = await roleIdsOf(ownerKey);
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await stop();
});

const me = (cookie: string) => call(meRoute.GET, { path: '/api/v1/me', as: { cookie } });

// A link from an email, opened in the browser: `cookie` is whatever session that browser has.
function openLink(url: string, cookie?: string) {
  expect(url.startsWith(BASE)).toBe(true);
  return call(authRoute.GET, { path: url.slice(BASE.length), headers: cookie ? { cookie } : {} });
}

const auth = (path: string, body: unknown, opts: { cookie?: string; ip?: string } = {}) =>
  call(authRoute.POST, {
    method: 'POST',
    path: `/api/auth${path}`,
    body,
    headers: { origin: BASE, ...(opts.cookie ? { cookie: opts.cookie } : {}), ...(opts.ip ? { [PEER_ADDRESS_HEADER]: opts.ip } : {}) },
  });

const accept = (token: string, cookie: string) => call(acceptRoute.POST, { method: 'POST', path: '/api/v1/invitations/accept', body: { token }, as: { cookie } });

describe('email verification', () => {
  it('sign-up emails a link; opening it verifies the address', async () => {
    const email = uniqueEmail('verify');
    const user = await signUp(email, PASSWORD, 'Vera', { verified: false });
    expect((await me(user.cookie)).body.user).toMatchObject({ email, emailVerified: false });
    const mail = await waitForMail(smtp, email, VERIFY);
    const opened = await openLink(linkIn(mail, `${BASE}/api/auth/verify-email`));
    expect(opened.status).toBe(302);
    expect((await me(user.cookie)).body.user).toMatchObject({ emailVerified: true });
  });

  it('an invitation is accepted only with a verified address: invite email → sign up → verify email → accept', async () => {
    const email = uniqueEmail('joiner');
    const invited = await call(invitationsRoute.POST, { method: 'POST', path: '/api/v1/invitations', body: { email, roleId: roles.member }, as: ownerKey });
    expect(invited.status).toBe(201);
    const invitationMail = await waitForMail(smtp, email, INVITE);
    const inviteUrl = linkIn(invitationMail, `${BASE}/invite/`);
    const token = decodeURIComponent(inviteUrl.slice(`${BASE}/invite/`.length));
    const preview = await call(previewRoute.GET, { path: `/api/v1/invitations/preview?token=${encodeURIComponent(token)}` });
    expect(preview.body).toMatchObject({ organization: 'Initech', email, status: 'pending' });

    const person = await signUp(email, PASSWORD, 'Joiner', { verified: false });
    const early = await accept(token, person.cookie);
    expect(early.status).toBe(403);
    expect(early.body.error).toMatchObject({ code: 'email_not_verified', details: { nextStep: { page: '/verify-email' } } });

    const verification = await waitForMail(smtp, email, VERIFY);
    expect((await openLink(linkIn(verification, `${BASE}/api/auth/verify-email`))).status).toBe(302);
    const joined = await accept(token, person.cookie);
    expect(joined.status, JSON.stringify(joined.body)).toBe(200);
    expect(joined.body).toEqual({ tenantId: owner.tenantId });
  });
});

describe('invitation resend', () => {
  it('sends a new link with a fresh expiry; the old link stops working; an accepted invitation cannot be resent', async () => {
    const email = uniqueEmail('resend');
    const invited = await call(invitationsRoute.POST, { method: 'POST', path: '/api/v1/invitations', body: { email, roleId: roles.viewer }, as: ownerKey });
    await waitForMail(smtp, email, INVITE);
    const at = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(at + 8 * 24 * 60 * MINUTE);
    const listed = await call(invitationsRoute.GET, { path: '/api/v1/invitations?limit=100', as: ownerKey });
    expect(listed.body.items.find((i: { id: string }) => i.id === invited.body.id)?.status).toBe('expired');
    const resent = await call(resendRoute.POST, { method: 'POST', path: `/api/v1/invitations/${invited.body.id}/resend`, params: { id: invited.body.id }, as: ownerKey });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    expect(resent.body).toMatchObject({ id: invited.body.id, status: 'pending' });
    expect(Date.parse(resent.body.expiresAt)).toBeGreaterThan(at + 14 * 24 * 60 * MINUTE);
    vi.useRealTimers();

    const second = await waitForMail(smtp, email, INVITE, 2);
    expect(second.text).toContain(resent.body.acceptUrl);
    expect(resent.body.token).not.toBe(invited.body.token);
    const oldPreview = await call(previewRoute.GET, { path: `/api/v1/invitations/preview?token=${encodeURIComponent(invited.body.token)}` });
    expect(oldPreview.status).toBe(404);

    const person = await signUp(email);
    expect((await accept(resent.body.token, person.cookie)).status).toBe(200);
    const again = await call(resendRoute.POST, { method: 'POST', path: `/api/v1/invitations/${invited.body.id}/resend`, params: { id: invited.body.id }, as: ownerKey });
    expect(again.status).toBe(409);
  });

  it("another tenant's invitation id answers 404, exactly like an id that does not exist", async () => {
    const other = await provision('Umbrella');
    const otherRoles = await roleIdsOf({ apiKey: other.apiKey });
    const theirs = await call(invitationsRoute.POST, { method: 'POST', path: '/api/v1/invitations', body: { email: uniqueEmail('theirs'), roleId: otherRoles.viewer }, as: { apiKey: other.apiKey } });
    const foreign = await call(resendRoute.POST, { method: 'POST', path: `/api/v1/invitations/${theirs.body.id}/resend`, params: { id: theirs.body.id }, as: ownerKey });
    const random = crypto.randomUUID();
    const missing = await call(resendRoute.POST, { method: 'POST', path: `/api/v1/invitations/${random}/resend`, params: { id: random }, as: ownerKey });
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect({ ...foreign.body.error, requestId: null }).toEqual({ ...missing.body.error, requestId: null });
  });
});

describe('password reset', () => {
  const requestReset = (email: string, ip = '10.0.1.1') => auth('/request-password-reset', { email, redirectTo: '/reset-password' }, { ip });

  async function resetLink(email: string, count = 1): Promise<string> {
    const mail = await waitForMail(smtp, email, RESET, count);
    return linkIn(mail, `${BASE}/api/auth/reset-password/`);
  }

  // The reset page: the emailed link redirects to it with the token; the form posts the new password with it.
  async function tokenFrom(link: string): Promise<string> {
    const opened = await openLink(link);
    expect(opened.status).toBe(302);
    const to = new URL(opened.headers.get('location') ?? '', BASE);
    expect(to.pathname).toBe('/reset-password');
    return to.searchParams.get('token') ?? '';
  }

  it('answers the same for an address with an account and one without, and emails only the first', async () => {
    const user = await signUp(uniqueEmail('known'));
    const stranger = uniqueEmail('nobody');
    const a = await requestReset(user.email);
    const b = await requestReset(stranger);
    expect(a.status).toBe(200);
    expect(b.status).toBe(a.status);
    expect(b.body).toEqual(a.body);
    await resetLink(user.email);
    expect(smtp.inbox(stranger).filter((m) => RESET.test(m.subject))).toEqual([]);
    expect(await listAccountEmails(stranger)).toEqual([]);
    expect((await listAccountEmails(user.email)).map((d) => d.template)).toContain('reset-password');
  });

  it('the link resets the password once and signs the account out everywhere', async () => {
    const user = await signUp(uniqueEmail('reset'));
    const second = await signIn(user.email);
    await requestReset(user.email);
    const token = await tokenFrom(await resetLink(user.email));
    // Stored only as a hash: a copy of the database holds no working link.
    const stored = await queryRows<{ identifier: string }>(await getDb(), sql`select identifier from verification`);
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored)).not.toContain(token);
    const done = await auth('/reset-password', { token, newPassword: 'a brand new passphrase' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((await me(user.cookie)).status).toBe(401);
    expect((await me(second.cookie)).status).toBe(401);
    await expect(signIn(user.email, PASSWORD)).rejects.toThrow(/401/);
    await signIn(user.email, 'a brand new passphrase');
    const reused = await auth('/reset-password', { token, newPassword: 'yet another passphrase' });
    expect(reused.status).toBe(400);
    await signIn(user.email, 'a brand new passphrase');
  });

  it('the link works for 30 minutes', async () => {
    const user = await signUp(uniqueEmail('expiry'));
    await requestReset(user.email);
    const early = await tokenFrom(await resetLink(user.email));
    await requestReset(user.email);
    const link = await resetLink(user.email, 2);
    const sent = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(sent + 29 * MINUTE);
    expect((await auth('/reset-password', { token: early, newPassword: 'within the half hour' })).status).toBe(200);
    vi.setSystemTime(sent + 31 * MINUTE);
    const opened = await openLink(link);
    expect(opened.headers.get('location')).toMatch(/error=INVALID_TOKEN/);
    const token = new URL(link).pathname.split('/').pop() ?? '';
    expect((await auth('/reset-password', { token, newPassword: 'too late for this one' })).status).toBe(400);
  });

  describe('rate limits', () => {
    beforeAll(() => {
      process.env.RATE_LIMIT_EMAIL_PER_HOUR = '2';
      process.env.RATE_LIMIT_AUTH_PER_MINUTE = '3';
      resetEnvForTests();
      resetLimitersForTests();
    });
    afterAll(() => {
      delete process.env.RATE_LIMIT_EMAIL_PER_HOUR;
      process.env.RATE_LIMIT_AUTH_PER_MINUTE = '100000';
      resetEnvForTests();
      resetLimitersForTests();
    });

    it('per address, from any client, whether or not the address has an account', async () => {
      for (const email of [(await signUp(uniqueEmail('limited'))).email, uniqueEmail('ghost')]) {
        expect((await requestReset(email, '10.0.2.1')).status).toBe(200);
        expect((await requestReset(email, '10.0.2.2')).status).toBe(200);
        const third = await requestReset(email, '10.0.2.3');
        expect(third.status).toBe(429);
        expect(third.body.error.code).toBe('rate_limited');
        expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
      }
    });

    it('per client IP, whatever the address', async () => {
      for (let i = 0; i < 3; i++) expect((await requestReset(uniqueEmail('spray'), '10.0.3.1')).status).toBe(200);
      expect((await requestReset(uniqueEmail('spray'), '10.0.3.1')).status).toBe(429);
      expect((await requestReset(uniqueEmail('spray'), '10.0.3.2')).status).toBe(200);
    });
  });

  it('refuses a redirect to another site, and bad input, the same way for every address', async () => {
    const off = await auth('/request-password-reset', { email: uniqueEmail('x'), redirectTo: 'https://evil.example/steal' });
    expect(off.status).toBe(422);
    expect((await auth('/request-password-reset', { email: 'not an address' })).status).toBe(422);
  });
});

describe('change of email address', () => {
  it('asks the current address to confirm, then verifies the new one, and only then changes it', async () => {
    const oldEmail = uniqueEmail('before');
    const newEmail = uniqueEmail('after');
    const user = await signUp(oldEmail);
    const asked = await auth('/change-email', { newEmail, callbackURL: '/app/profile' }, { cookie: user.cookie });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect((await me(user.cookie)).body.user.email).toBe(oldEmail);

    const confirm = await waitForMail(smtp, oldEmail, /Confirm the change/);
    expect(confirm.text).toContain(newEmail);
    expect((await openLink(linkIn(confirm, `${BASE}/api/auth/verify-email`), user.cookie)).status).toBe(302);
    expect((await me(user.cookie)).body.user.email).toBe(oldEmail);

    const verify = await waitForMail(smtp, newEmail, VERIFY);
    expect(smtp.inbox(oldEmail).filter((m) => /Confirm the change/.test(m.subject))).toHaveLength(1);
    expect((await openLink(linkIn(verify, `${BASE}/api/auth/verify-email`), user.cookie)).status).toBe(302);
    expect((await me(user.cookie)).body.user).toMatchObject({ email: newEmail, emailVerified: true });
    await signIn(newEmail);
    await expect(signIn(oldEmail)).rejects.toThrow(/401/);
  });
});
