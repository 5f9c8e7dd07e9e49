import { sql, type SQL } from 'drizzle-orm';
import { withSpan } from '@/lib/tracing';
import { getDbHandle } from './client';
import type { Tx } from './types';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TenantScope {
  userId?: string | null;
  /** A read that runs right after the settings, in the same round trip as BEGIN; fn gets its rows. */
  preload?: SQL;
}

let openTransactions = 0;

// The only door to tenant data (DESIGN.md): one transaction, role app_user, tenant set transaction-locally.
// set_config(..., true) is the function form of SET LOCAL; the settings travel with BEGIN (lib/db/pool-transaction.ts),
// which inlines them: both are checked to be uuids first.
export async function withTenant<T>(tenantId: string, fn: (tx: Tx, preloaded: unknown[]) => Promise<T>, scope: TenantScope = {}): Promise<T> {
  if (!UUID_RE.test(tenantId)) throw new Error('withTenant: tenantId must be a uuid');
  const userId = scope.userId ?? '';
  if (userId && !UUID_RE.test(userId)) throw new Error('withTenant: userId must be a uuid');
  openTransactions++;
  try {
    const handle = await getDbHandle();
    const settings = sql`select set_config('role', 'app_user', true), set_config('app.tenant_id', ${tenantId}, true), set_config('app.user_id', ${userId}, true)`;
    // Which tenant is not an attribute: the span says a tenant transaction ran, and how long it held a connection.
    return await withSpan('db.tenant_transaction', { 'db.system.name': 'postgresql', 'db.operation.name': 'TRANSACTION' }, () =>
      handle.transaction(scope.preload ? [settings, scope.preload] : [settings], (tx, rows) => fn(tx, scope.preload ? rows : [])),
    );
  } finally {
    openTransactions--;
  }
}

// Tenant transactions this process has open or is waiting to open: what a slow client must never add to (tests
// assert that no request body is read while one is open on the request's behalf).
export function countOpenTenantTransactions(): number {
  return openTransactions;
}

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
