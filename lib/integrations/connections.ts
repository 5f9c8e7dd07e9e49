import { eq, sql } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { integrationConnections } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { recordIntegrationEvent } from './audit';
import type { IntegrationProvider } from './provider';
import { mergeConnectionSettings, requireConnectionRow } from './store';
import type { ConnectionRef } from './tokens';

// What connectors use (INTEGRATIONS.md): tokens, the platform lookup for webhooks, per-connection settings and sync
// bookkeeping. Tokens never leave lib/integrations except as the argument withAccessToken hands to its callback.

export type { ConnectionStatus, ConnectionView } from './store';
export { toConnectionView } from './store';
export { IntegrationReauthRequired, isUnauthorizedError, withAccessToken, type ConnectionRef } from './tokens';

// Platform lookup before a tenant is known (webhooks name a Slack team / Asana webhook / Drive channel): the named
// SECURITY DEFINER function reflex_find_integration_connection (drizzle/*_integrations_custom.sql). A disconnected
// connection is not found.
export async function findConnectionByExternalAccount(provider: IntegrationProvider, externalAccountId: string): Promise<ConnectionRef | null> {
  const [row] = await queryRows<{ connection_id: string; tenant_id: string }>(
    await getDb(),
    sql`select connection_id, tenant_id from reflex_find_integration_connection(${provider}, ${externalAccountId})`,
  );
  return row ? { tenantId: row.tenant_id, connectionId: row.connection_id } : null;
}

export async function getConnectionSettings(tx: Tx, connectionId: string): Promise<Record<string, unknown>> {
  return (await requireConnectionRow(tx, connectionId)).settings;
}

// A shallow merge: the keys in patch replace those stored, the others stay.
export async function updateConnectionSettings(tx: Tx, connectionId: string, patch: Record<string, unknown>): Promise<void> {
  await mergeConnectionSettings(tx, connectionId, patch);
}

export async function getSyncCursor(tx: Tx, connectionId: string): Promise<string | null> {
  return (await requireConnectionRow(tx, connectionId)).syncCursor;
}

const MAX_ERROR_CHARS = 500;

/**
 * The outcome of one sync run: items add to the connection's count, an error is shown on the settings page until
 * the next successful run, a cursor (when given) is where the next run starts. Audited either way. A connection
 * that needs reconnecting or was disconnected keeps that status.
 */
export async function recordSyncResult(ref: ConnectionRef, result: { items?: number; error?: string | null; cursor?: string | null }): Promise<void> {
  const now = new Date();
  await withTenant(ref.tenantId, async (tx) => {
    const row = await requireConnectionRow(tx, ref.connectionId);
    const items = Math.max(0, Math.trunc(result.items ?? 0));
    const failed = Boolean(result.error);
    const keepsStatus = row.status === 'reauth_required' || row.status === 'disconnected';
    await tx
      .update(integrationConnections)
      .set({
        itemsSynced: sql`${integrationConnections.itemsSynced} + ${items}`,
        ...(failed
          ? { lastError: (result.error ?? '').slice(0, MAX_ERROR_CHARS), lastErrorAt: now, ...(keepsStatus ? {} : { status: 'error' as const }) }
          : { lastSyncAt: now, lastError: null, lastErrorAt: null, ...(keepsStatus ? {} : { status: 'active' as const }) }),
        ...(result.cursor !== undefined ? { syncCursor: result.cursor } : {}),
        updatedAt: now,
      })
      .where(eq(integrationConnections.id, ref.connectionId));
    await recordIntegrationEvent(tx, {
      action: failed ? 'integration.syncFailed' : 'integration.synced',
      outcome: failed ? 'failure' : 'success',
      connectionId: ref.connectionId,
      provider: row.provider,
      metadata: { items },
    });
  });
}
