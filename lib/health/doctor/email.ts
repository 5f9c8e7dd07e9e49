import nodemailer from 'nodemailer';
import type { Env } from '@/lib/env';
import { errorText, line, withTimeout, type DoctorLine } from './types';

const SMTP_TIMEOUT_MS = 8_000;

// Connects and authenticates (nodemailer's verify: EHLO, STARTTLS when offered, AUTH), sends nothing.
export async function checkEmail(env: Env): Promise<DoctorLine[]> {
  if (!env.SMTP_URL) {
    return env.VERCEL
      ? [line('Email', 'warn', 'no SMTP_URL: invitations, email verification and password resets cannot be delivered', 'set SMTP_URL (your provider\'s SMTP endpoint) and EMAIL_FROM')]
      : [line('Email', 'ok', `dev outbox at ${env.EMAIL_OUTBOX_DIR} (read at /dev/mail)`)];
  }
  const host = new URL(env.SMTP_URL).host;
  const transport = nodemailer.createTransport({ url: env.SMTP_URL, connectionTimeout: SMTP_TIMEOUT_MS, greetingTimeout: SMTP_TIMEOUT_MS, socketTimeout: SMTP_TIMEOUT_MS });
  try {
    await withTimeout(SMTP_TIMEOUT_MS + 1_000, 'SMTP', () => transport.verify());
    return [line('Email', 'ok', `SMTP at ${host} accepts our credentials; sender ${env.EMAIL_FROM ?? '?'}`)];
  } catch (err) {
    return [line('Email', 'fail', `SMTP at ${host}: ${errorText(err)}`, 'check SMTP_URL (host, port, user and password; smtps:// for port 465)')];
  } finally {
    transport.close();
  }
}
