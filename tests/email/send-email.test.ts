import { readdir, rm } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as invitationsRoute from '@/app/api/v1/invitations/route';
import { drainLocalRunner, listRuns, waitForRun } from '@/inngest/local';
import { listAccountEmails } from '@/lib/email/deliveries';
import { devMailEnabled } from '@/lib/email/dev-mail';
import { listOutbox } from '@/lib/email/outbox';
import { requestAccountEmail } from '@/lib/email/request';
import { getEnv, parseEnv, resetEnvForTests } from '@/lib/env';
import { checkEmail } from '@/lib/health/doctor';
import { emailStartupWarning } from '@/lib/startup';
import { getDb } from '@/lib/db/client';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { call, provision, uniqueEmail } from '../helpers/http';
import { roleIdsOf } from '../helpers/tenancy';
import type { FakeSmtp } from '../fakes/smtp-server';
import { startEmailHarness, waitForMail } from './harness';

let smtp: FakeSmtp;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ smtp, stop } = await startEmailHarness());
});

afterAll(async () => {
  await stop();
});

// Through the app's own connection (role app_auth), which reaches the platform tables: this file's database is its
// own (the runner's), so the owner connection of the other suites would look at another one.
const appRows = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => queryRows<T>(await getDb(), query);

beforeEach(() => {
  smtp.refuseNext.length = 0;
});

const verifyEmail = (to: string, token = 'tok-0123456789') =>
  requestAccountEmail({ template: 'verify-email', to, name: 'Ada', url: `http://localhost:3000/api/auth/verify-email?token=${token}`, brand: 'Acme Support' });

async function finishedRun() {
  await drainLocalRunner(60_000);
  const [latest] = await listRuns({ functionId: 'send-email' }, 1);
  if (!latest) throw new Error('no send-email run');
  return waitForRun(latest.id, 60_000);
}

describe('send-email over SMTP', () => {
  it('delivers an account email with HTML and text bodies from EMAIL_FROM, and records it without its link', async () => {
    const to = uniqueEmail('ada');
    await verifyEmail(to, 'secret-token-abcdef');
    const mail = await waitForMail(smtp, to);
    expect(mail.from).toBe('"Acme Support" <support@acme.test>');
    expect(mail.subject).toBe('Confirm your email address for Acme Support');
    expect(mail.text).toContain('http://localhost:3000/api/auth/verify-email?token=secret-token-abcdef');
    expect(mail.html).toContain('href="http://localhost:3000/api/auth/verify-email?token=secret-token-abcdef"');
    expect(mail.html).toContain('Acme Support');

    const [record] = await listAccountEmails(to);
    expect(record).toMatchObject({ template: 'verify-email', status: 'sent', attempts: 1, lastError: null, sentAt: expect.any(String) });
    const rows = await appRows<Record<string, unknown>>(sql`select * from account_email_deliveries`);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain('secret-token-abcdef');
    expect(stored).not.toContain(to);
    // The event that carried it holds neither the link nor the address in clear.
    const events = JSON.stringify(await appRows(sql`select * from runner_events where name = 'email/requested'`));
    expect(events).not.toContain('secret-token-abcdef');
    expect(events).not.toContain(to);
  });

  it('retries when the SMTP server refuses, and records both attempts', async () => {
    const to = uniqueEmail('retry');
    smtp.refuseNext.push(451);
    await verifyEmail(to);
    const run = await finishedRun();
    expect(run.status).toBe('completed');
    expect(smtp.refuseNext).toEqual([]);
    expect(smtp.inbox(to)).toHaveLength(1);
    const [record] = await listAccountEmails(to);
    expect(record).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('gives up after the last retry and records the failure with the server’s answer', async () => {
    const to = uniqueEmail('refused');
    smtp.refuseNext.push(451, 451, 451, 451, 451, 451);
    await verifyEmail(to);
    const run = await finishedRun();
    expect(run.status).toBe('failed');
    expect(smtp.inbox(to)).toHaveLength(0);
    const [record] = await listAccountEmails(to);
    expect(record).toMatchObject({ status: 'failed', attempts: 6 });
    expect(record?.lastError).toMatch(/Mailbox busy/);
  });

  it('an invitation is emailed on behalf of the organization and its delivery is tenant data', async () => {
    const t = await provision('Globex Research');
    const roles = await roleIdsOf({ apiKey: t.apiKey });
    const to = uniqueEmail('invitee');
    const res = await call(invitationsRoute.POST, { method: 'POST', path: '/api/v1/invitations', body: { email: to, roleId: roles.member }, as: { apiKey: t.apiKey } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.lastEmail).toMatchObject({ status: 'queued' });
    const mail = await waitForMail(smtp, to);
    expect(mail.subject).toBe('You are invited to join Globex Research');
    expect(mail.text).toContain(res.body.acceptUrl);
    const list = await call(invitationsRoute.GET, { path: '/api/v1/invitations', as: { apiKey: t.apiKey } });
    expect(list.body.items[0].lastEmail).toMatchObject({ status: 'sent', attempts: 1 });
    const rows = await withTenant(t.tenantId, (tx) =>
      queryRows<{ tenant_id: string; invitation_id: string; template: string; recipient_hash: string }>(tx, sql`select * from email_deliveries`),
    );
    expect(rows).toEqual([expect.objectContaining({ tenant_id: t.tenantId, invitation_id: res.body.id, template: 'invitation' })]);
    expect(JSON.stringify(rows)).not.toContain(res.body.token);
    expect(JSON.stringify(rows)).not.toContain(to);
  });
});

describe('the dev outbox (no SMTP_URL)', () => {
  it('writes the email to EMAIL_OUTBOX_DIR instead, where /dev/mail reads it', async () => {
    const saved = process.env.SMTP_URL;
    delete process.env.SMTP_URL;
    resetEnvForTests();
    try {
      await rm(getEnv().EMAIL_OUTBOX_DIR, { recursive: true, force: true });
      const to = uniqueEmail('outbox');
      await verifyEmail(to, 'outbox-token-123');
      expect((await finishedRun()).status).toBe('completed');
      const [entry] = await listOutbox({ to });
      expect(entry).toMatchObject({ to, subject: 'Confirm your email address for Acme Support' });
      expect(entry?.text).toContain('outbox-token-123');
      expect((await readdir(getEnv().EMAIL_OUTBOX_DIR)).length).toBe(1);
      expect(smtp.inbox(to)).toHaveLength(0);
      expect((await listAccountEmails(to))[0]).toMatchObject({ status: 'sent', attempts: 1 });
    } finally {
      process.env.SMTP_URL = saved;
      resetEnvForTests();
    }
  });

  it('/dev/mail is on outside production, and in production only with DEV_MAIL=1', () => {
    expect(devMailEnabled(parseEnv({ NODE_ENV: 'development' }))).toBe(true);
    expect(devMailEnabled(parseEnv({ NODE_ENV: 'production' }))).toBe(false);
    expect(devMailEnabled(parseEnv({ NODE_ENV: 'production', DEV_MAIL: '1' }))).toBe(true);
  });

  it('on Vercel without SMTP_URL, startup warns that invitations and resets cannot be delivered', () => {
    expect(emailStartupWarning(parseEnv({ NODE_ENV: 'production', VERCEL: '1' }))).toMatch(/invitations.*password resets cannot be delivered.*SMTP_URL/);
    expect(emailStartupWarning(parseEnv({ NODE_ENV: 'production', VERCEL: '1', SMTP_URL: 'smtp://u:p@h:587', EMAIL_FROM: 'A <a@b.c>' }))).toBeNull();
    expect(emailStartupWarning(parseEnv({ NODE_ENV: 'development' }))).toBeNull();
  });

  it('npm run doctor logs in to the SMTP server, and says what to fix when it cannot', async () => {
    const ok = await checkEmail(parseEnv({ NODE_ENV: 'production', SMTP_URL: smtp.url, EMAIL_FROM: 'A <a@b.test>' }));
    expect(ok).toEqual([expect.objectContaining({ area: 'Email', status: 'ok' })]);
    const closed = await checkEmail(parseEnv({ NODE_ENV: 'production', SMTP_URL: 'smtp://u:p@127.0.0.1:9', EMAIL_FROM: 'A <a@b.test>' }));
    expect(closed).toEqual([expect.objectContaining({ area: 'Email', status: 'fail', fix: expect.stringMatching(/SMTP_URL/) })]);
    expect((await checkEmail(parseEnv({ NODE_ENV: 'production', VERCEL: '1' })))[0]?.status).toBe('warn');
  });

  it('SMTP_URL without EMAIL_FROM stops the server with a message naming EMAIL_FROM', () => {
    expect(() => parseEnv({ NODE_ENV: 'production', SMTP_URL: 'smtp://u:p@mail.example.com:587' })).toThrow(/EMAIL_FROM/);
    expect(() => parseEnv({ NODE_ENV: 'production', SMTP_URL: 'mail.example.com' })).toThrow(/SMTP_URL/);
  });
});
