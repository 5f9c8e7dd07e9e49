// STUB (drive branch): replaced by the integrations framework (branch integ) at merge.
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

export function withAccessToken<T>(_ref: ConnectionRef, _fn: (accessToken: string) => Promise<T>): Promise<T> {
  throw new Error('stub');
}
export function findConnectionByExternalAccount(_provider: IntegrationProvider, _externalAccountId: string): Promise<ConnectionRef | null> {
  throw new Error('stub');
}
export function getConnectionSettings(_tx: Tx, _connectionId: string): Promise<Record<string, unknown>> {
  throw new Error('stub');
}
export function updateConnectionSettings(_tx: Tx, _connectionId: string, _patch: Record<string, unknown>): Promise<void> {
  throw new Error('stub');
}
export function recordSyncResult(_ref: ConnectionRef, _result: { items?: number; error?: string | null; cursor?: string | null }): Promise<void> {
  throw new Error('stub');
}
