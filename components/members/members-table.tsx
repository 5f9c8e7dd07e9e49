'use client';

import { ConfirmButton } from '@/components/confirm-button';
import { useToast } from '@/components/toast';
import { Avatar, Badge } from '@/components/ui';
import type { Permission } from '@/lib/auth/permissions';
import { api, errorMessage } from '@/lib/ui/api';
import { Time } from '@/components/time';
import { initials } from '@/lib/ui/format';
import { canGrant } from '@/lib/ui/roles';
import type { Member, Role } from '@/lib/ui/types';

export function MembersTable({
  members,
  roles,
  myUserId,
  myPermissions,
  canManage,
  isOwner,
  canErase,
  onChanged,
}: {
  members: Member[];
  roles: Role[];
  myUserId: string;
  myPermissions: readonly Permission[];
  canManage: boolean;
  /** Owners can reset a member's two-factor authentication (lost device and backup codes). */
  isOwner: boolean;
  /** privacy:manage: GDPR erasure of a member (DELETE /api/v1/privacy/users/{membershipId}). */
  canErase: boolean;
  onChanged: () => Promise<void>;
}) {
  const toast = useToast();
  const grantable = roles.filter((r) => canGrant(r, myPermissions));

  async function act(action: () => Promise<unknown>, success: string) {
    try {
      await action();
      toast(success);
      await onChanged();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  }

  return (
    <div className="table-wrap">
      <table className="table table-responsive">
        <thead>
          <tr>
            <th>Member</th>
            <th>Role</th>
            <th>Sign-in</th>
            <th>Joined</th>
            {canManage && <th className="align-right">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => {
            const isMe = m.userId === myUserId;
            const current = roles.find((r) => r.id === m.role.id);
            const editable = canManage && !isMe && current !== undefined && canGrant(current, myPermissions);
            return (
              <tr key={m.id} data-testid="member-row">
                <td data-label="Member">
                  <div className="person">
                    <Avatar text={initials(m.name, m.email)} />
                    <div className="person-text">
                      <div className="person-name">
                        {m.name} {isMe && <Badge tone="brand">You</Badge>}
                      </div>
                      <div className="person-email">{m.email}</div>
                    </div>
                  </div>
                </td>
                <td data-label="Role">
                  {editable ? (
                    <select
                      className="input select input-sm"
                      aria-label={`Role of ${m.name}`}
                      value={m.role.id}
                      onChange={(e) =>
                        act(() => api(`/api/v1/members/${m.id}`, { method: 'PATCH', body: { roleId: e.target.value } }), `${m.name} is now ${roles.find((r) => r.id === e.target.value)?.name ?? 'updated'}`)
                      }
                    >
                      {grantable.map((r) => (
                        <option key={r.id} value={r.id}>
                          {r.name}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <Badge tone={m.role.key === 'owner' ? 'brand' : 'gray'}>{m.role.name}</Badge>
                  )}
                </td>
                <td data-label="Sign-in">
                  <div className="chips chips-tight">
                    {m.twoFactorEnabled ? <Badge tone="green">2FA</Badge> : <Badge tone="gray" title="Signs in with a password only">No 2FA</Badge>}
                    {!m.emailVerified && <Badge tone="amber">Email not verified</Badge>}
                    {m.deactivated && (
                      <Badge tone="red" title="Deactivated by your identity provider (SCIM): no access until reactivated there">
                        Deactivated
                      </Badge>
                    )}
                  </div>
                </td>
                <td data-label="Joined" className="muted nowrap">
                  <Time value={m.createdAt} />
                </td>
                {canManage && (
                  <td data-label="Actions" className="align-right">
                    {editable ? (
                      <div className="row-actions">
                        <ConfirmButton
                          label="Sign out"
                          confirmLabel="Sign out all sessions"
                          tone="neutral"
                          title="Sign this member out of every browser session"
                          onConfirm={() => act(() => api(`/api/v1/members/${m.id}/revoke-sessions`, { method: 'POST' }), `${m.name} was signed out everywhere`)}
                        />
                        {isOwner && m.twoFactorEnabled && (
                          <ConfirmButton
                            label="Reset 2FA"
                            confirmLabel="Reset two-factor"
                            title="For a member who lost their authenticator and backup codes: removes their second factor and signs them out"
                            onConfirm={() => act(() => api(`/api/v1/members/${m.id}/reset-mfa`, { method: 'POST' }), `${m.name}'s two-factor authentication was reset`)}
                          />
                        )}
                        <ConfirmButton
                          label="Remove"
                          confirmLabel="Remove member"
                          onConfirm={() => act(() => api(`/api/v1/members/${m.id}`, { method: 'DELETE' }), `${m.name} was removed`)}
                        />
                        {canErase && (
                          <ConfirmButton
                            label="Erase data"
                            confirmLabel="Erase their personal data"
                            title="GDPR erasure: removes the member, deletes their uploads, API keys and invitations, and de-identifies their tasks and audit entries. It cannot be undone."
                            onConfirm={() => act(() => api(`/api/v1/privacy/users/${m.id}`, { method: 'DELETE' }), `${m.name}'s personal data was erased`)}
                          />
                        )}
                      </div>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
