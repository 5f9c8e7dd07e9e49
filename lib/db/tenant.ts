import { sql } from 'drizzle-orm';
import { getDb } from './client';
import type { Tx } from './types';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TenantScope {
  userId?: string | null;
}

// The only door to tenant data (DESIGN.md): one transaction, role app_user, tenant set transaction-locally.
// set_config(..., true) is the function form of SET LOCAL, so the three settings cost one round trip.
export async function withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>, scope: TenantScope = {}): Promise<T> {
  if (!UUID_RE.test(tenantId)) throw new Error('withTenant: tenantId must be a uuid');
  const db = await getDb();
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('role', 'app_user', true), set_config('app.tenant_id', ${tenantId}, true), set_config('app.user_id', ${scope.userId ?? ''}, true)`,
    );
    return fn(tx);
  });
}

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
