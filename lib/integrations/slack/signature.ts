import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '@/lib/http/errors';

// Slack's documented tolerance: a request whose timestamp is more than five minutes away from now is refused, so a
// captured request cannot be replayed later (replays inside the window are caught by the signature receipt).
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export function signSlackBody(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

function refused(message: string): AppError {
  return new AppError('unauthenticated', message);
}

// https://api.slack.com/authentication/verifying-requests-from-slack: v0 HMAC-SHA256 of `v0:{timestamp}:{body}`
// with the app's signing secret, compared in constant time. Returns the signature, the key of its replay receipt.
export function verifySlackSignature(input: { secret: string; timestamp: string | null; signature: string | null; rawBody: string; nowSeconds: number }): string {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) throw refused('The request is not signed by Slack');
  if (!/^\d{1,12}$/.test(timestamp)) throw refused('The request timestamp is not valid');
  if (Math.abs(input.nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) throw refused('The request timestamp is too old or in the future');
  const expected = Buffer.from(signSlackBody(input.secret, timestamp, input.rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused('The request signature does not match');
  return signature;
}
