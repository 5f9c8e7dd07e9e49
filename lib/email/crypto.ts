import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { getAuthSecret } from '@/lib/auth/secret';

// Keys derived from the auth secret, one per purpose, so that neither can stand in for the other or for the secret.
function derive(purpose: 'recipient' | 'seal'): Buffer {
  return Buffer.from(hkdfSync('sha256', getAuthSecret(), 'reflex-email', purpose, 32));
}

// How a recipient appears in the delivery record: keyed, so the table alone does not give addresses back by
// guessing, yet support can find an address's emails by hashing it the same way (npm run admin -- emails list).
export function hashRecipient(email: string): string {
  return createHmac('sha256', derive('recipient')).update(email.trim().toLowerCase()).digest('hex');
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

// What an email event carries (recipient, link, names) travels sealed with AES-256-GCM: Inngest's event log and the
// local runner's history then hold no usable reset or verification link and no address in clear.
export function seal(value: unknown): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', derive('seal'), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function unseal(sealed: string): unknown {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) throw new Error('sealed email payload is truncated');
  const decipher = createDecipheriv('aes-256-gcm', derive('seal'), raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  return JSON.parse(text);
}
