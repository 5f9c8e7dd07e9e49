'use client';

import { useMe, useCan } from '@/components/shell/me-context';
import { Alert, Card, PageHeader, Spinner } from '@/components/ui';
import { canGrant } from '@/lib/ui/roles';
import type { Invitation, Member, Page, Role } from '@/lib/ui/types';
import { useResource } from '@/lib/ui/use-resource';
import { InvitationsTable } from './invitations-table';
import { InviteForm } from './invite-form';
import { MembersTable } from './members-table';

export function MembersView() {
  const me = useMe();
  const can = useCan();
  const canRead = can('members:read');
  const canManage = can('members:manage');
  const members = useResource<Page<Member>>(canRead ? '/api/v1/members?limit=100' : null);
  const roles = useResource<Page<Role>>(canRead ? '/api/v1/roles' : null);
  const invitations = useResource<Page<Invitation>>(canRead ? '/api/v1/invitations?limit=100' : null);

  const header = <PageHeader title="Members" description={`People who can access ${me.tenant?.name ?? 'this organization'}, and their roles.`} />;
  if (!canRead) {
    return (
      <>
        {header}
        <Alert tone="warning" title="No access">
          Viewing members needs the members:read permission.
        </Alert>
      </>
    );
  }

  const roleList = roles.data?.items ?? [];
  const grantable = roleList.filter((r) => canGrant(r, me.permissions));
  const memberCount = members.data?.items.length;

  return (
    <>
      {header}
      {canManage && (
        <Card title="Invite a teammate" description="We email them a link to join with the role you choose.">
          {roles.loading ? <Spinner /> : <InviteForm roles={grantable} onInvited={() => void invitations.reload()} />}
        </Card>
      )}
      <Card title={memberCount === undefined ? 'Members' : `Members (${memberCount})`} flush>
        {members.error && <Alert tone="error">{members.error}</Alert>}
        {members.loading || roles.loading ? (
          <Spinner label="Loading members" />
        ) : (
          members.data && (
            <MembersTable
              members={members.data.items}
              roles={roleList}
              myUserId={me.user?.id ?? ''}
              myPermissions={me.permissions}
              canManage={canManage}
              isOwner={me.tenants.find((t) => t.id === me.tenant?.id)?.role.key === 'owner'}
              canErase={can('privacy:manage')}
              onChanged={members.reload}
            />
          )
        )}
      </Card>
      <Card title="Pending invitations" flush>
        {invitations.error && <Alert tone="error">{invitations.error}</Alert>}
        {invitations.loading ? (
          <Spinner label="Loading invitations" />
        ) : (
          <InvitationsTable invitations={invitations.data?.items ?? []} canManage={canManage} onChanged={invitations.reload} />
        )}
      </Card>
    </>
  );
}
