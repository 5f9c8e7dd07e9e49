import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'rfx_';
const KEY_RE = /^rfx_[A-Za-z0-9_-]{43}$/;

// 256 bits from the CSPRNG. Keys are high-entropy, so a fast hash is enough to make a stolen table useless
// (the same reasoning as GitHub's tokens); a slow password hash would only cost latency on every request.
export function generateApiKeySecret(): { secret: string; prefix: string; hash: string } {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, 12), hash: hashApiKey(secret) };
}

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_RE.test(value);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}
