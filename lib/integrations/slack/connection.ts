import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import type { ConnectionRef } from '../connections';
import { listConnectionRows, type ConnectionRow } from '../store';

// An organization installs Slack in one workspace at a time; task notices know the organization, not the team.
export async function findSlackConnectionRow(tx: Tx): Promise<ConnectionRow | null> {
  const rows = await listConnectionRows(tx);
  return rows.find((r) => r.provider === 'slack' && r.status === 'active') ?? null;
}

export async function findSlackConnection(tenantId: string): Promise<ConnectionRef | null> {
  const row = await withTenant(tenantId, findSlackConnectionRow);
  return row ? { tenantId, connectionId: row.id } : null;
}
