import nodemailer, { type Transporter } from 'nodemailer';
import { getEnv, type Env } from '@/lib/env';
import { logger } from '@/lib/log';
import { writeToOutbox } from './outbox';
import type { RenderedEmail } from './render';

export const DEFAULT_SENDER_NAME = 'Reflex';

export interface OutgoingMail extends RenderedEmail {
  to: string;
  /** The link the email is about, printed in the server log when the email goes to the dev outbox. */
  link: string;
}

// Bounded, so that a dead SMTP server fails one step attempt (and Inngest retries) instead of hanging it.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

const holder = globalThis as typeof globalThis & { __reflexSmtp?: { url: string; transporter: Transporter } };

function smtpTransport(url: string): Transporter {
  if (holder.__reflexSmtp?.url !== url) {
    holder.__reflexSmtp?.transporter.close();
    holder.__reflexSmtp = { url, transporter: nodemailer.createTransport({ url, ...SMTP_TIMEOUTS }) };
  }
  return holder.__reflexSmtp.transporter;
}

export function senderAddress(env: Env = getEnv()): string {
  return env.EMAIL_FROM ?? `${DEFAULT_SENDER_NAME} <no-reply@localhost>`;
}

// The display name of EMAIL_FROM ("Acme <no-reply@acme.com>" → "Acme") brands account emails, which belong to no
// organization: it is the name of whoever runs this deployment.
export function senderName(env: Env = getEnv()): string {
  const match = /^\s*"?([^"<]+?)"?\s*</.exec(env.EMAIL_FROM ?? '');
  return match?.[1]?.trim() || DEFAULT_SENDER_NAME;
}

export function describeEmailBackend(env: Env): string {
  if (env.SMTP_URL) return `SMTP at ${new URL(env.SMTP_URL).host}`;
  return `dev outbox at ${env.EMAIL_OUTBOX_DIR} (read at /dev/mail)`;
}

/** Sends over SMTP when SMTP_URL is set, otherwise writes to the dev outbox. Throws when the server refuses. */
export async function sendMail(mail: OutgoingMail): Promise<{ messageId: string }> {
  const env = getEnv();
  const from = senderAddress(env);
  if (!env.SMTP_URL) {
    const entry = await writeToOutbox({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    logger.info('email written to the dev outbox (no SMTP_URL)', { subject: mail.subject, outboxId: entry.id, link: mail.link });
    return { messageId: `outbox:${entry.id}` };
  }
  const info = await smtpTransport(env.SMTP_URL).sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
  return { messageId: String(info.messageId ?? '') };
}
