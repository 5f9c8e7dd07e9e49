import type { AuditActor } from '@/lib/audit/events';
import type { Tx } from '@/lib/db/types';
import { logger } from '@/lib/log';
import { recordIntegrationEvent } from './audit';
import { revokeAtProvider } from './oauth';
import { INTEGRATION_PROVIDERS, type IntegrationProvider } from './provider';
import { findProvider } from './registry';
import './providers';
import { clearTokens, loadCredentials, requireConnectionRow, toConnectionView, type ConnectionView } from './store';

// Disconnecting: revoke at the provider (outside any transaction), then, in the request's transaction, remove our
// copy of the tokens and, when the admin chose "delete", what the connection created. Each connector says how its
// content goes by registering a cleanup; it runs in the same transaction, so a failure leaves tokens and content
// as they were (the provider's revocation is the one thing that cannot be rolled back).

export type DisconnectCleanup = (tx: Tx, connectionId: string) => Promise<number | void>;

// No module-level binding: connectors register from their config module, which this module's import of
// ./providers evaluates before this module's own body (a const here would still be uninitialised then).
function cleanups(): Map<IntegrationProvider, DisconnectCleanup> {
  const holder = globalThis as typeof globalThis & { __reflexDisconnectCleanups?: Map<IntegrationProvider, DisconnectCleanup> };
  holder.__reflexDisconnectCleanups ??= new Map();
  return holder.__reflexDisconnectCleanups;
}

// fn deletes the documents / tasks the connection created (inside tx, under RLS); it may answer how many it deleted.
export function registerDisconnectCleanup(provider: IntegrationProvider, fn: DisconnectCleanup): void {
  cleanups().set(provider, fn);
}

function providerOf(name: string): IntegrationProvider | null {
  return INTEGRATION_PROVIDERS.find((p) => p === name) ?? null;
}

export interface RevocationOutcome {
  revoked: boolean;
}

// Best effort: a provider that is down must not keep an admin from disconnecting. Our tokens go regardless.
export async function revokeConnectionAtProvider(inTenant: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>, tenantId: string, connectionId: string): Promise<RevocationOutcome> {
  const creds = await inTenant(async (tx) => {
    await requireConnectionRow(tx, connectionId);
    return loadCredentials(tx, tenantId, connectionId);
  });
  const provider = creds ? providerOf(creds.provider) : null;
  const config = provider ? findProvider(provider) : null;
  if (!creds || !config || (!creds.accessToken && !creds.refreshToken)) return { revoked: false };
  try {
    return { revoked: await revokeAtProvider(config, { accessToken: creds.accessToken, refreshToken: creds.refreshToken }) };
  } catch (err) {
    logger.warn('integration token revocation failed; removing our copy anyway', { provider, error: err instanceof Error ? err.message : String(err) });
    return { revoked: false };
  }
}

export async function disconnectConnection(
  tx: Tx,
  input: { connectionId: string; content: 'keep' | 'delete'; revoked: boolean; actor?: AuditActor; requestId?: string | null },
): Promise<{ connection: ConnectionView; revokedAtProvider: boolean; contentDeleted: number }> {
  const row = await requireConnectionRow(tx, input.connectionId);
  const provider = providerOf(row.provider);
  if (!provider) throw new Error(`unknown integration provider ${row.provider}`);
  await clearTokens(tx, row.id);
  const cleanup = input.content === 'delete' ? cleanups().get(provider) : undefined;
  const contentDeleted = cleanup ? ((await cleanup(tx, row.id)) ?? 0) : 0;
  await recordIntegrationEvent(tx, {
    action: 'integration.disconnected',
    actor: input.actor,
    connectionId: row.id,
    provider,
    requestId: input.requestId ?? null,
    metadata: { content: input.content, contentDeleted, revokedAtProvider: input.revoked },
  });
  const after = await requireConnectionRow(tx, row.id);
  return { connection: toConnectionView(after, provider), revokedAtProvider: input.revoked, contentDeleted };
}
