import { sql } from 'drizzle-orm';
import type { Tx } from './types';

// The named platform path for touching better-auth's tables from inside a tenant transaction (revoking a
// member's sessions atomically with removing them). It switches to app_auth for fn and back to app_user; the
// tenant setting stays in place, so tenant tables remain fenced.
export async function asAuthRole<T>(tx: Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  await tx.execute(sql`select set_config('role', 'app_auth', true)`);
  // On failure the transaction is rolled back whole, so there is nothing to switch back.
  const result = await fn(tx);
  await tx.execute(sql`select set_config('role', 'app_user', true)`);
  return result;
}
