// STUB until branch `integ` lands (see /work/wt/INTEGRATIONS.md); replaced by the framework's file at merge.
import type { Tx } from '@/lib/db/types';
import type { IntegrationProvider } from './provider';

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

export function withAccessToken<T>(ref: ConnectionRef, fn: (accessToken: string) => Promise<T>): Promise<T> {
  void ref;
  void fn;
  throw new Error('integrations framework not merged yet');
}
export async function findConnectionByExternalAccount(provider: IntegrationProvider, externalAccountId: string): Promise<ConnectionRef | null> {
  void provider;
  void externalAccountId;
  return null;
}
export async function getConnectionSettings(tx: Tx, connectionId: string): Promise<Record<string, unknown>> {
  void tx;
  void connectionId;
  return {};
}
export async function updateConnectionSettings(tx: Tx, connectionId: string, patch: Record<string, unknown>): Promise<void> {
  void tx;
  void connectionId;
  void patch;
}
export async function recordSyncResult(ref: ConnectionRef, result: { items?: number; error?: string | null; cursor?: string | null }): Promise<void> {
  void ref;
  void result;
}
