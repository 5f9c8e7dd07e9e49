import type { Tx } from '@/lib/db/types';
import type { IntegrationProvider } from './provider';

// STUB until the framework (branch integ) is merged: connections live in memory, created by tests through
// registerStubConnection.
export interface ConnectionRef {
  tenantId: string;
  connectionId: string;
}
export interface ConnectionView {
  id: string;
  provider: IntegrationProvider;
  status: 'active' | 'reauth_required' | 'disconnected' | 'error';
  externalAccountId: string;
  externalAccountName: string;
  settings: Record<string, unknown>;
  lastSyncAt: string | null;
  itemsSynced: number;
  lastError: string | null;
  createdAt: string;
}

interface StubConnection extends ConnectionView {
  tenantId: string;
  accessToken: string;
}

const holder = globalThis as typeof globalThis & { __reflexStubConnections?: Map<string, StubConnection> };
function store(): Map<string, StubConnection> {
  holder.__reflexStubConnections ??= new Map();
  return holder.__reflexStubConnections;
}

export function registerStubConnection(input: { tenantId: string; provider: IntegrationProvider; externalAccountId: string; accessToken: string }): ConnectionRef {
  const id = crypto.randomUUID();
  store().set(id, {
    id,
    tenantId: input.tenantId,
    provider: input.provider,
    status: 'active',
    externalAccountId: input.externalAccountId,
    externalAccountName: input.externalAccountId,
    settings: {},
    lastSyncAt: null,
    itemsSynced: 0,
    lastError: null,
    createdAt: new Date().toISOString(),
    accessToken: input.accessToken,
  });
  return { tenantId: input.tenantId, connectionId: id };
}

export async function withAccessToken<T>(ref: ConnectionRef, fn: (accessToken: string) => Promise<T>): Promise<T> {
  const c = store().get(ref.connectionId);
  if (!c || c.tenantId !== ref.tenantId) throw new Error('connection not found');
  return fn(c.accessToken);
}

export async function findConnectionByExternalAccount(provider: IntegrationProvider, externalAccountId: string): Promise<ConnectionRef | null> {
  for (const c of store().values()) {
    if (c.provider === provider && c.externalAccountId === externalAccountId && c.status === 'active') return { tenantId: c.tenantId, connectionId: c.id };
  }
  return null;
}

export async function getConnectionSettings(tx: Tx, connectionId: string): Promise<Record<string, unknown>> {
  void tx;
  return store().get(connectionId)?.settings ?? {};
}

export async function updateConnectionSettings(tx: Tx, connectionId: string, patch: Record<string, unknown>): Promise<void> {
  void tx;
  const c = store().get(connectionId);
  if (c) c.settings = { ...c.settings, ...patch };
}

export async function recordSyncResult(ref: ConnectionRef, result: { items?: number; error?: string | null; cursor?: string | null }): Promise<void> {
  const c = store().get(ref.connectionId);
  if (!c) return;
  c.itemsSynced += result.items ?? 0;
  c.lastError = result.error ?? null;
  c.lastSyncAt = new Date().toISOString();
}

// Not in the contract yet: a tenant's active connection of a provider (task notices know the tenant, not the team).
export async function findConnectionForTenant(tenantId: string, provider: IntegrationProvider): Promise<ConnectionRef | null> {
  for (const c of store().values()) {
    if (c.provider === provider && c.tenantId === tenantId && c.status === 'active') return { tenantId: c.tenantId, connectionId: c.id };
  }
  return null;
}
