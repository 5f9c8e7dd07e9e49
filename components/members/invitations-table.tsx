'use client';

import { ConfirmButton } from '@/components/confirm-button';
import { useToast } from '@/components/toast';
import { Badge, EmptyState } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import { formatRelative } from '@/lib/ui/format';
import { Time } from '@/components/time';
import type { Invitation } from '@/lib/ui/types';

const EMAIL_TONE = { queued: 'gray', retrying: 'amber', sent: 'green', failed: 'red' } as const;
const EMAIL_TEXT = { queued: 'Sending', retrying: 'Retrying', sent: 'Sent', failed: 'Not delivered' } as const;

function EmailStatus({ email }: { email: Invitation['lastEmail'] }) {
  if (!email) return <span className="muted">—</span>;
  const when = email.sentAt ? `Sent ${formatRelative(email.sentAt)}` : `${email.attempts} attempt(s)`;
  return (
    <Badge tone={EMAIL_TONE[email.status]} title={when}>
      {EMAIL_TEXT[email.status]}
    </Badge>
  );
}

export function InvitationsTable({ invitations, canManage, onChanged }: { invitations: Invitation[]; canManage: boolean; onChanged: () => Promise<void> }) {
  const toast = useToast();
  // Expired invitations stay listed so that they can be sent again.
  const pending = invitations.filter((i) => i.status === 'pending' || i.status === 'expired');

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
            <th>Email</th>
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
              <td data-label="Email">
                <EmailStatus email={inv.lastEmail} />
              </td>
              <td data-label="Expires" className="muted nowrap">
                <Time value={inv.expiresAt} />
              </td>
              {canManage && (
                <td data-label="Actions" className="align-right">
                  <div className="row-actions">
                  <ConfirmButton
                    label="Resend"
                    confirmLabel="Send a new link"
                    tone="neutral"
                    title="Email a new link that is valid for 7 days; the old link stops working"
                    onConfirm={async () => {
                      try {
                        await api(`/api/v1/invitations/${inv.id}/resend`, { method: 'POST' });
                        toast(`Invitation sent again to ${inv.email}`);
                        await onChanged();
                      } catch (err) {
                        toast(errorMessage(err), 'error');
                      }
                    }}
                  />
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
                  </div>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
