import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { integrationConnections } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { notFound } from '@/lib/http/errors';
import { currentKeyId, decryptToken, encryptToken, tokenAad } from './crypto';
import type { IntegrationProvider, ProviderTokenSet, RefreshedTokenSet } from './provider';

// Row-level access to integration_connections, always inside the caller's tenant transaction (RLS fences it).

export type ConnectionStatus = 'active' | 'reauth_required' | 'disconnected' | 'error';

export interface ConnectionView {
  id: string;
  provider: IntegrationProvider;
  status: ConnectionStatus;
  externalAccountId: string;
  externalAccountName: string;
  settings: Record<string, unknown>;
  lastSyncAt: string | null;
  itemsSynced: number;
  lastError: string | null;
  createdAt: string;
}

export type ConnectionRow = typeof integrationConnections.$inferSelect;

export function toConnectionView(row: ConnectionRow, provider: IntegrationProvider): ConnectionView {
  return {
    id: row.id,
    provider,
    status: row.status,
    externalAccountId: row.externalAccountId,
    externalAccountName: row.externalAccountName,
    settings: row.settings,
    lastSyncAt: row.lastSyncAt?.toISOString() ?? null,
    itemsSynced: row.itemsSynced,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function findConnectionRow(tx: Tx, connectionId: string): Promise<ConnectionRow | null> {
  const [row] = await tx.select().from(integrationConnections).where(eq(integrationConnections.id, connectionId));
  return row ?? null;
}

export async function requireConnectionRow(tx: Tx, connectionId: string): Promise<ConnectionRow> {
  const row = await findConnectionRow(tx, connectionId);
  if (!row) throw notFound('Connection');
  return row;
}

export async function listConnectionRows(tx: Tx): Promise<ConnectionRow[]> {
  return tx.select().from(integrationConnections).orderBy(desc(integrationConnections.createdAt), integrationConnections.id);
}

const expiryOf = (now: Date, seconds: number | null) => (seconds === null ? null : new Date(now.getTime() + seconds * 1000));
const scopesOf = (scope: string | null) => (scope ? scope.split(/[\s,]+/).filter(Boolean) : []);

// Connecting the same account again (a reconnect after reauth_required or a disconnect) updates its row: the
// connection id, and everything synced under it, carries on.
export async function saveConnection(
  tx: Tx,
  input: { tenantId: string; provider: IntegrationProvider; tokens: ProviderTokenSet; connectedBy: string | null; now?: Date },
): Promise<{ id: string; created: boolean }> {
  const now = input.now ?? new Date();
  const [existing] = await tx
    .select({ id: integrationConnections.id })
    .from(integrationConnections)
    .where(and(eq(integrationConnections.provider, input.provider), eq(integrationConnections.externalAccountId, input.tokens.externalAccountId)));
  const id = existing?.id ?? randomUUID();
  const t = input.tokens;
  const values = {
    status: 'active' as const,
    externalAccountName: t.externalAccountName,
    accessTokenCiphertext: encryptToken(t.accessToken, tokenAad(input.tenantId, id, 'access')),
    refreshTokenCiphertext: t.refreshToken ? encryptToken(t.refreshToken, tokenAad(input.tenantId, id, 'refresh')) : null,
    tokenKeyId: currentKeyId(),
    expiresAt: expiryOf(now, t.expiresInSeconds),
    scopes: scopesOf(t.scope),
    lastError: null,
    lastErrorAt: null,
    connectedBy: input.connectedBy,
    disconnectedAt: null,
    updatedAt: now,
  };
  if (existing) {
    await tx.update(integrationConnections).set(values).where(eq(integrationConnections.id, id));
    return { id, created: false };
  }
  await tx.insert(integrationConnections).values({ tenantId: input.tenantId, id, provider: input.provider, externalAccountId: t.externalAccountId, ...values });
  return { id, created: true };
}

export interface Credentials {
  provider: string;
  status: ConnectionStatus;
  accessToken: string | null;
  refreshToken: string | null;
  expiresAt: Date | null;
  // The stored refresh ciphertext, to tell whether another run rotated the tokens meanwhile.
  refreshCiphertext: string | null;
}

export async function loadCredentials(tx: Tx, tenantId: string, connectionId: string): Promise<Credentials | null> {
  const row = await findConnectionRow(tx, connectionId);
  if (!row) return null;
  return {
    provider: row.provider,
    status: row.status,
    accessToken: row.accessTokenCiphertext ? decryptToken(row.accessTokenCiphertext, tokenAad(tenantId, row.id, 'access')) : null,
    refreshToken: row.refreshTokenCiphertext ? decryptToken(row.refreshTokenCiphertext, tokenAad(tenantId, row.id, 'refresh')) : null,
    expiresAt: row.expiresAt,
    refreshCiphertext: row.refreshTokenCiphertext,
  };
}

// A provider that does not rotate refresh tokens answers without one: the one we hold stays valid.
export async function storeRefreshedTokens(
  tx: Tx,
  input: { tenantId: string; connectionId: string; tokens: RefreshedTokenSet; previousRefreshToken: string | null; now?: Date },
): Promise<void> {
  const now = input.now ?? new Date();
  const refresh = input.tokens.refreshToken ?? input.previousRefreshToken;
  await tx
    .update(integrationConnections)
    .set({
      accessTokenCiphertext: encryptToken(input.tokens.accessToken, tokenAad(input.tenantId, input.connectionId, 'access')),
      refreshTokenCiphertext: refresh ? encryptToken(refresh, tokenAad(input.tenantId, input.connectionId, 'refresh')) : null,
      tokenKeyId: currentKeyId(),
      expiresAt: expiryOf(now, input.tokens.expiresInSeconds),
      ...(input.tokens.scope ? { scopes: scopesOf(input.tokens.scope) } : {}),
      updatedAt: now,
    })
    .where(eq(integrationConnections.id, input.connectionId));
}

export async function markConnection(tx: Tx, connectionId: string, status: ConnectionStatus, error: string | null, now = new Date()): Promise<void> {
  await tx
    .update(integrationConnections)
    .set({ status, lastError: error, lastErrorAt: error ? now : null, updatedAt: now })
    .where(eq(integrationConnections.id, connectionId));
}

// Disconnecting removes the tokens at once; the row stays, so the settings page can say what was connected.
export async function clearTokens(tx: Tx, connectionId: string, now = new Date()): Promise<void> {
  await tx
    .update(integrationConnections)
    .set({
      status: 'disconnected',
      accessTokenCiphertext: null,
      refreshTokenCiphertext: null,
      tokenKeyId: null,
      expiresAt: null,
      disconnectedAt: now,
      updatedAt: now,
    })
    .where(eq(integrationConnections.id, connectionId));
}

export async function mergeConnectionSettings(tx: Tx, connectionId: string, patch: Record<string, unknown>): Promise<void> {
  const updated = await tx
    .update(integrationConnections)
    .set({ settings: sql`${integrationConnections.settings} || ${JSON.stringify(patch)}::jsonb`, updatedAt: new Date() })
    .where(eq(integrationConnections.id, connectionId))
    .returning({ id: integrationConnections.id });
  if (updated.length === 0) throw notFound('Connection');
}
