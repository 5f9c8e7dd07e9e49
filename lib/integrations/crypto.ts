import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { resolveSecret } from '@/lib/auth/secret';
import { getEnv, type Env } from '@/lib/env';

// Provider tokens at rest: AES-256-GCM, a fresh 96-bit IV per value, and the row they belong to as additional
// authenticated data, so a ciphertext copied into another row or column does not decrypt. Each ciphertext names
// the key that sealed it ("v1:<key id>:<iv|tag|body>"), so that after a rotation old values still open with the
// previous key until the re-encryption job (inngest/functions/integrations/reencrypt-tokens.ts) has rewritten them.

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface Key {
  id: string;
  bytes: Buffer;
}

// A key's id is a fingerprint, not the key: the same configured key always has the same id, on every instance.
function keyOf(bytes: Buffer, prefix: string): Key {
  const digest = createHash('sha256').update('reflex-integrations-key-id').update(bytes).digest('hex');
  return { id: `${prefix}${digest.slice(0, 16)}`, bytes };
}

// Without INTEGRATIONS_ENCRYPTION_KEY the key is derived from the auth secret (its own HKDF purpose, so it can stand
// in for nothing else). It stays readable after a real key is configured, so moving to one needs no downtime.
function derivedKey(env: Env): Key {
  return keyOf(Buffer.from(hkdfSync('sha256', resolveSecret(env), 'reflex-integrations', 'token-encryption', 32)), 'derived-');
}

export interface Keyring {
  current: Key;
  all: Map<string, Key>;
}

export function keyringFrom(env: Env): Keyring {
  const current = env.INTEGRATIONS_ENCRYPTION_KEY ? keyOf(Buffer.from(env.INTEGRATIONS_ENCRYPTION_KEY, 'base64'), 'k-') : derivedKey(env);
  const all = new Map<string, Key>([[current.id, current]]);
  if (env.INTEGRATIONS_ENCRYPTION_KEY_PREVIOUS) {
    const previous = keyOf(Buffer.from(env.INTEGRATIONS_ENCRYPTION_KEY_PREVIOUS, 'base64'), 'k-');
    all.set(previous.id, previous);
  }
  if (env.INTEGRATIONS_ENCRYPTION_KEY) {
    try {
      const derived = derivedKey(env);
      all.set(derived.id, derived);
    } catch {
      // No auth secret to derive from (a production setup refused without one): nothing can be sealed by it.
    }
  }
  return { current, all };
}

function keyring(): Keyring {
  return keyringFrom(getEnv());
}

export function currentKeyId(): string {
  return keyring().current.id;
}

export class TokenDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenDecryptionError';
  }
}

export function encryptToken(plaintext: string, aad: string): string {
  const key = keyring().current;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${VERSION}:${key.id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

export function keyIdOf(ciphertext: string): string {
  const [version, keyId] = ciphertext.split(':');
  if (version !== VERSION || !keyId) throw new TokenDecryptionError('not an integration token ciphertext');
  return keyId;
}

export function decryptToken(ciphertext: string, aad: string): string {
  const [version, keyId, payload] = ciphertext.split(':');
  if (version !== VERSION || !keyId || !payload) throw new TokenDecryptionError('not an integration token ciphertext');
  const key = keyring().all.get(keyId);
  if (!key) {
    throw new TokenDecryptionError(
      `this token was sealed with key ${keyId}, which is neither INTEGRATIONS_ENCRYPTION_KEY nor INTEGRATIONS_ENCRYPTION_KEY_PREVIOUS`,
    );
  }
  const raw = Buffer.from(payload, 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) throw new TokenDecryptionError('integration token ciphertext is truncated');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new TokenDecryptionError('integration token ciphertext failed authentication (tampered, or moved from another row)');
  }
}

// What a token belongs to, bound into its ciphertext.
export function tokenAad(tenantId: string, rowId: string, field: 'access' | 'refresh' | 'pkce'): string {
  return `reflex-integrations/${tenantId}/${rowId}/${field}`;
}

// Said once at startup in production: the derived key ties every stored token to BETTER_AUTH_SECRET.
export function integrationsKeyWarning(env: Env): string | null {
  if (env.INTEGRATIONS_ENCRYPTION_KEY) return null;
  if (!env.VERCEL && env.NODE_ENV !== 'production') return null;
  return 'INTEGRATIONS_ENCRYPTION_KEY is not set: integration tokens are encrypted with a key derived from BETTER_AUTH_SECRET, so changing that secret makes every connection need reconnecting. Set INTEGRATIONS_ENCRYPTION_KEY (openssl rand -base64 32); existing tokens stay readable and the re-encryption job moves them to the new key.';
}
