'use client';

import { useState } from 'react';
import { SecretField } from '@/components/copy-button';
import { useToast } from '@/components/toast';
import { Alert, Card, EmptyState, Spinner } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import type { Page, Role, ScimGroupMapping, ScimSettings } from '@/lib/ui/types';
import { useResource } from '@/lib/ui/use-resource';
import { ScimTokensCard } from './scim-tokens';

// The "SCIM provisioning" part of the security settings: where to point the identity provider, its tokens, the
// role new members get and which role each pushed group maps to (GET/PATCH /api/v1/settings/scim).

const NOT_MAPPED = '';

function RoleSelect({ id, roles, value, onChange, allowNone, disabled }: { id: string; roles: Role[]; value: string; onChange: (v: string) => void; allowNone?: boolean; disabled?: boolean }) {
  return (
    <select id={id} className="input select" value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
      {allowNone && <option value={NOT_MAPPED}>Not mapped</option>}
      {roles
        .filter((r) => r.key !== 'owner')
        .map((r) => (
          <option key={r.id} value={r.id}>
            {r.name}
          </option>
        ))}
    </select>
  );
}

function GroupMappings({ groups, roles, onChanged }: { groups: ScimGroupMapping[]; roles: Role[]; onChanged: () => Promise<void> }) {
  const toast = useToast();
  const [busy, setBusy] = useState<string | null>(null);
  if (groups.length === 0) {
    return (
      <EmptyState icon="users" title="No groups pushed yet">
        Groups appear here once your identity provider pushes them (Okta: Push Groups; Azure AD: assign groups to the app).
      </EmptyState>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table table-responsive">
        <thead>
          <tr>
            <th>Group</th>
            <th>Members</th>
            <th>Role</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.id} data-testid="scim-group-row">
              <td data-label="Group" className="person-name">
                {g.displayName}
              </td>
              <td data-label="Members" className="muted">
                {g.memberCount === 1 ? '1 member' : `${g.memberCount} members`}
              </td>
              <td data-label="Role">
                <RoleSelect
                  id={`scim-group-${g.id}`}
                  roles={roles}
                  allowNone
                  disabled={busy === g.id}
                  value={g.role?.id ?? NOT_MAPPED}
                  onChange={async (roleId) => {
                    setBusy(g.id);
                    try {
                      await api(`/api/v1/settings/scim/groups/${g.id}`, { method: 'PATCH', body: { roleId: roleId === NOT_MAPPED ? null : roleId } });
                      toast(roleId === NOT_MAPPED ? `“${g.displayName}” is no longer mapped` : `Members of “${g.displayName}” now follow its role`);
                      await onChanged();
                    } catch (err) {
                      toast(errorMessage(err), 'error');
                    } finally {
                      setBusy(null);
                    }
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ScimProvisioningSection() {
  const toast = useToast();
  const settings = useResource<ScimSettings>('/api/v1/settings/scim');
  const roles = useResource<Page<Role>>('/api/v1/roles');
  const [saving, setSaving] = useState(false);

  async function setDefaultRole(defaultRoleId: string) {
    setSaving(true);
    try {
      await api('/api/v1/settings/scim', { method: 'PATCH', body: { defaultRoleId } });
      toast('Default role for SCIM members saved');
      await settings.reload();
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setSaving(false);
    }
  }

  const error = settings.error ?? roles.error;
  return (
    <>
      <Card
        title="SCIM provisioning"
        description="Let Okta, Azure AD (Entra ID) or another identity provider create, update and deactivate members and push groups."
      >
        {error && <Alert tone="error">{error}</Alert>}
        {settings.loading || roles.loading ? (
          <Spinner label="Loading SCIM settings" />
        ) : (
          settings.data &&
          roles.data && (
            <div className="stack">
              <div className="field">
                <span className="field-label">SCIM base URL</span>
                <SecretField value={settings.data.baseUrl} label="SCIM base URL" testId="scim-base-url" />
                <span className="hint">Okta calls it “SCIM connector base URL”, Azure AD “Tenant URL”.</span>
              </div>
              <div className="field">
                <label htmlFor="scim-default-role">Role of new members</label>
                <RoleSelect id="scim-default-role" roles={roles.data.items} value={settings.data.defaultRole.id} disabled={saving} onChange={setDefaultRole} />
                <span className="hint">
                  Also the role of members none of whose groups is mapped, once any group is. Deactivated members keep their data but cannot sign in to this
                  organization, nor use their API keys, until they are reactivated.
                </span>
              </div>
            </div>
          )
        )}
      </Card>
      <ScimTokensCard />
      <Card
        title="Groups and roles"
        description="A member's role follows their groups: the most privileged role mapped from any of their groups, else the role of new members. Owners are never changed."
        flush
      >
        {settings.data && roles.data ? (
          <GroupMappings groups={settings.data.groups} roles={roles.data.items} onChanged={settings.reload} />
        ) : (
          !error && <Spinner label="Loading groups" />
        )}
      </Card>
    </>
  );
}
