import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/db/client';
import { roles } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { provision } from '../helpers/http';

// withTenant opens its transaction itself on server pools (BEGIN and the settings in one simple-protocol string,
// lib/db/pool-transaction.ts), so what drizzle's db.transaction() guaranteed is checked here: settings end with
// the transaction, failures roll back and leave the connection usable, and the preload sees the tenant.
type Settings = { tenant: string | null; usr: string | null; role: string };

async function settingsOutside(): Promise<Settings[]> {
  const db = await getDb();
  // Several in a row: the pool hands back the connection the transaction just released.
  const out: Settings[] = [];
  for (let i = 0; i < 3; i++) {
    const [row] = await queryRows<Settings>(
      db,
      sql`select nullif(current_setting('app.tenant_id', true), '') as tenant, nullif(current_setting('app.user_id', true), '') as usr, current_user as role`,
    );
    if (row) out.push(row);
  }
  return out;
}

let tenantId: string;
let ownerUserId: string;
beforeAll(async () => {
  const org = await provision('Transaction Door');
  tenantId = org.tenantId;
  ownerUserId = org.owner.userId;
});

describe('withTenant', () => {
  it('runs as app_user with the tenant set, and nothing of it outlives the transaction', async () => {
    const inside = await withTenant(
      tenantId,
      (tx) => queryRows<Settings>(tx, sql`select current_setting('app.tenant_id', true) as tenant, current_setting('app.user_id', true) as usr, current_user as role`),
      { userId: ownerUserId },
    );
    expect(inside[0]).toEqual({ tenant: tenantId, usr: ownerUserId, role: 'app_user' });
    for (const row of await settingsOutside()) {
      expect(row.tenant).toBeNull();
      expect(row.usr).toBeNull();
      expect(row.role).not.toBe('app_user');
    }
  });

  it('rolls back everything when the handler throws, and the connection keeps working', async () => {
    const name = `Doomed ${Date.now()}`;
    await expect(
      withTenant(tenantId, async (tx) => {
        await tx.insert(roles).values({ tenantId, key: `doomed-${Date.now()}`, name, permissions: [] });
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    const left = await withTenant(tenantId, (tx) => tx.select().from(roles).where(eq(roles.name, name)));
    expect(left).toEqual([]);
    for (const row of await settingsOutside()) expect(row.tenant).toBeNull();
  });

  it('rolls back when a statement fails mid-transaction, and the next transaction starts clean', async () => {
    await expect(withTenant(tenantId, (tx) => tx.execute(sql`select 1/0`))).rejects.toThrow();
    const [row] = await withTenant(tenantId, (tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from ${roles}`));
    expect(row?.n).toBeGreaterThan(0);
  });

  it('a failing preload fails the request and leaves nothing open', async () => {
    await expect(withTenant(tenantId, async () => 'unreached', { preload: sql`select * from no_such_table` })).rejects.toThrow();
    for (const row of await settingsOutside()) expect(row.tenant).toBeNull();
  });

  it('hands the preload its rows, read under the tenant (RLS applies)', async () => {
    const other = await provision('Transaction Door Other');
    const seen = await withTenant(tenantId, async (_tx, rows) => rows, { preload: sql`select distinct ${roles.tenantId} as tenant from ${roles}` });
    expect(seen).toEqual([{ tenant: tenantId }]);
    expect(seen).not.toContainEqual({ tenant: other.tenantId });
  });

  it('refuses ids that are not uuids before touching the database', async () => {
    await expect(withTenant("x'; drop table roles; --", async () => 1)).rejects.toThrow(/uuid/);
    await expect(withTenant(tenantId, async () => 1, { userId: "x' or '1'='1" })).rejects.toThrow(/uuid/);
  });
});
