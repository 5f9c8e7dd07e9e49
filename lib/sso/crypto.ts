import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { getAuthSecret } from '@/lib/auth/secret';

// A key of its own for SSO, derived from the auth secret: it cannot stand in for the secret or for other keys.
function sealKey(): Buffer {
  return Buffer.from(hkdfSync('sha256', getAuthSecret(), 'reflex-sso', 'seal', 32));
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM: an OIDC client secret at rest, a PKCE verifier while a sign-in is pending. */
export function sealSecret(value: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealKey(), iv);
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function unsealSecret(sealed: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) throw new Error('sealed SSO secret is truncated');
  const decipher = createDecipheriv('aes-256-gcm', sealKey(), raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
