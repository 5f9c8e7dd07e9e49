'use client';

import { ConfirmButton } from '@/components/confirm-button';
import { useToast } from '@/components/toast';
import { Badge, type BadgeTone } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import { Time } from '@/components/time';
import type { ApiKey } from '@/lib/ui/types';

function statusOf(key: ApiKey): { label: string; tone: BadgeTone } {
  if (key.revokedAt) return { label: 'Revoked', tone: 'red' };
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= Date.now()) return { label: 'Expired', tone: 'amber' };
  return { label: 'Active', tone: 'green' };
}

function Scopes({ scopes }: { scopes: string[] }) {
  const shown = scopes.slice(0, 3);
  const rest = scopes.length - shown.length;
  return (
    <div className="chips chips-tight">
      {shown.map((s) => (
        <span key={s} className="chip mono">
          {s}
        </span>
      ))}
      {rest > 0 && (
        <span className="chip chip-more" title={scopes.slice(3).join(', ')}>
          +{rest} more
        </span>
      )}
    </div>
  );
}

export function KeysTable({ keys, onChanged }: { keys: ApiKey[]; onChanged: () => Promise<void> }) {
  const toast = useToast();
  return (
    <div className="table-wrap">
      <table className="table table-responsive">
        <thead>
          <tr>
            <th>Name</th>
            <th>Scopes</th>
            <th>Last used</th>
            <th>Expires</th>
            <th>Status</th>
            <th className="align-right">Actions</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => {
            const status = statusOf(k);
            return (
              <tr key={k.id} data-testid="api-key-row">
                <td data-label="Name">
                  <div className="person-name">{k.name}</div>
                  <div className="mono muted small">{k.prefix}…</div>
                </td>
                <td data-label="Scopes">
                  <Scopes scopes={k.scopes} />
                </td>
                <td data-label="Last used" className="muted nowrap">
                  <Time value={k.lastUsedAt} fallback="Never" />
                </td>
                <td data-label="Expires" className="muted nowrap">
                  <Time value={k.expiresAt} fallback="Never" />
                </td>
                <td data-label="Status">
                  <Badge tone={status.tone}>{status.label}</Badge>
                </td>
                <td data-label="Actions" className="align-right">
                  {status.label === 'Revoked' ? (
                    <span className="muted">—</span>
                  ) : (
                    <ConfirmButton
                      label="Revoke"
                      confirmLabel="Revoke key"
                      onConfirm={async () => {
                        try {
                          await api(`/api/v1/api-keys/${k.id}`, { method: 'DELETE' });
                          toast(`Key “${k.name}” revoked`);
                          await onChanged();
                        } catch (err) {
                          toast(errorMessage(err), 'error');
                        }
                      }}
                    />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
