import { sql } from 'drizzle-orm';
import { queryRows } from '@/lib/db/sql';
import type { Tx } from '@/lib/db/types';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/http/errors';

/**
 * Refuses to let a person join (create or accept an invitation to) one more organization once they belong to
 * MAX_ORGANIZATIONS_PER_USER. Plans, quotas and AI budgets are per organization, so self-service organizations
 * without a bound would multiply them. Runs in the transaction of the organization being joined; a per-person
 * advisory lock makes two concurrent joins count one after the other. Operators provisioning tenants are not
 * limited.
 */
export async function assertCanJoinAnotherOrganization(tx: Tx, userId: string, joiningTenantId: string): Promise<void> {
  const max = getEnv().MAX_ORGANIZATIONS_PER_USER;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`reflex:organizations-of:${userId}`}, 0))`);
  // Through the definer lookup: this transaction's RLS shows only the organization being joined.
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from reflex_user_tenants(${userId}) where tenant_id <> ${joiningTenantId}::uuid`,
  );
  if ((row?.n ?? 0) >= max) {
    throw new AppError(
      'limit_reached',
      `You already belong to ${max} organizations, the most one account can (MAX_ORGANIZATIONS_PER_USER); leave one before creating or joining another`,
    );
  }
}
