import type { Env } from '@/lib/env';

// The dev outbox page shows working links (password resets included): never on a production server unless its
// operator asks for it explicitly (a staging deployment without SMTP, say).
export function devMailEnabled(env: Env): boolean {
  return env.NODE_ENV !== 'production' || env.DEV_MAIL;
}
