import { sql } from 'drizzle-orm';
import type { Tx } from './types';

// Some tenant rows are private to the member who owns them (assistant conversations: their policies compare
// user_id with app.user_id). Privacy work on behalf of the organization, a tenant export or erasing a member,
// must reach every member's rows: it says so here, for the rest of its transaction (set_config(..., true) is
// transaction-local, like the tenant setting). The tenant fence still applies. Only lib/privacy calls this.
export async function reachEveryMember(tx: Tx): Promise<void> {
  await tx.execute(sql`select set_config('app.member_scope', 'all', true)`);
}
