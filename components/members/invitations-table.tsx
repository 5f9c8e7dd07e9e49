'use client';

import { ConfirmButton } from '@/components/confirm-button';
import { useToast } from '@/components/toast';
import { Badge, EmptyState } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import { Time } from '@/components/time';
import type { Invitation } from '@/lib/ui/types';

export function InvitationsTable({ invitations, canManage, onChanged }: { invitations: Invitation[]; canManage: boolean; onChanged: () => Promise<void> }) {
  const toast = useToast();
  const pending = invitations.filter((i) => i.status === 'pending');

  if (!pending.length) {
    return (
      <EmptyState icon="mail" title="No pending invitations">
        Invitations you create appear here until they are accepted, revoked or expire.
      </EmptyState>
    );
  }

  return (
    <div className="table-wrap">
      <table className="table table-responsive">
        <thead>
          <tr>
            <th>Email</th>
            <th>Role</th>
            <th>Expires</th>
            {canManage && <th className="align-right">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {pending.map((inv) => (
            <tr key={inv.id} data-testid="invitation-row">
              <td data-label="Email">{inv.email}</td>
              <td data-label="Role">
                <Badge>{inv.role.name}</Badge>
              </td>
              <td data-label="Expires" className="muted nowrap">
                <Time value={inv.expiresAt} />
              </td>
              {canManage && (
                <td data-label="Actions" className="align-right">
                  <ConfirmButton
                    label="Revoke"
                    confirmLabel="Revoke invitation"
                    onConfirm={async () => {
                      try {
                        await api(`/api/v1/invitations/${inv.id}`, { method: 'DELETE' });
                        toast(`Invitation for ${inv.email} revoked`);
                        await onChanged();
                      } catch (err) {
                        toast(errorMessage(err), 'error');
                      }
                    }}
                  />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
