import { functions } from '@/inngest';
import { drainLocalRunner, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { resetAuthForTests } from '@/lib/auth/auth';
import { resetEnvForTests } from '@/lib/env';
import { isolateRunnerDatabase } from '../runner/harness';
import { startFakeSmtp, type FakeSmtp, type ReceivedMail } from '../fakes/smtp-server';

export const SENDER = 'Acme Support <support@acme.test>';

// Every email test: a real SMTP server, SMTP_URL pointing at it, and the app's own pipeline functions on a runner
// with short retry delays, alone on its database.
export async function startEmailHarness(): Promise<{ smtp: FakeSmtp; stop: () => Promise<void> }> {
  const release = await isolateRunnerDatabase();
  const smtp = await startFakeSmtp();
  process.env.SMTP_URL = smtp.url;
  process.env.EMAIL_FROM = SENDER;
  resetEnvForTests();
  resetAuthForTests();
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50, functions });
  return {
    smtp,
    async stop() {
      await drainLocalRunner(60_000);
      await stopLocalRunner();
      await smtp.close();
      delete process.env.SMTP_URL;
      delete process.env.EMAIL_FROM;
      resetEnvForTests();
      await release();
    },
  };
}

/** Lets the pipeline run until the `count`-th email to `to` whose subject matches has arrived, and returns it. */
export async function waitForMail(smtp: FakeSmtp, to: string, subject: RegExp = /./, count = 1): Promise<ReceivedMail> {
  for (let i = 0; i < 50; i++) {
    await drainLocalRunner(30_000);
    const mail = smtp.inbox(to).filter((m) => subject.test(m.subject))[count - 1];
    if (mail) return mail;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no email #${count} to ${to}; received: ${smtp.received.map((m) => `${m.to}: ${m.subject}`).join(' | ') || 'nothing'}`);
}
