'use client';

import { useState } from 'react';
import { ConfirmButton } from '@/components/confirm-button';
import { Icon } from '@/components/icons';
import { useCan, useMe } from '@/components/shell/me-context';
import { useToast } from '@/components/toast';
import { Alert, Badge, Card, PageHeader, Spinner } from '@/components/ui';
import { api, errorMessage } from '@/lib/ui/api';
import type { Page, Role } from '@/lib/ui/types';
import { useResource } from '@/lib/ui/use-resource';
import { RoleForm } from './role-form';

const BUILTIN_ORDER = ['owner', 'admin', 'member', 'viewer'];

function builtinRank(role: Role): number {
  const i = BUILTIN_ORDER.indexOf(role.key);
  return i === -1 ? BUILTIN_ORDER.length : i;
}

function RoleCard({ role, canManage, onDeleted }: { role: Role; canManage: boolean; onDeleted: () => Promise<void> }) {
  const toast = useToast();
  const inUse = role.memberCount > 0;
  return (
    <article className="role-card" data-testid="role-card">
      <div className="role-card-head">
        <div>
          <h3 className="role-name">
            {role.name} <Badge tone={role.builtin ? 'gray' : 'brand'}>{role.builtin ? 'Built-in' : 'Custom'}</Badge>
          </h3>
          <p className="role-description">{role.description || 'No description'}</p>
        </div>
        <div className="role-meta">
          <Icon name="users" size={14} /> {role.memberCount} {role.memberCount === 1 ? 'member' : 'members'}
        </div>
      </div>
      <div className="chips">
        {role.permissions.map((p) => (
          <span key={p} className="chip mono">
            {p}
          </span>
        ))}
      </div>
      {canManage && !role.builtin && (
        <div className="role-card-foot">
          <ConfirmButton
            label="Delete role"
            confirmLabel="Delete"
            disabled={inUse}
            title={inUse ? 'Move its members to another role first' : undefined}
            onConfirm={async () => {
              try {
                await api(`/api/v1/roles/${role.id}`, { method: 'DELETE' });
                toast(`Role “${role.name}” deleted`);
                await onDeleted();
              } catch (err) {
                toast(errorMessage(err), 'error');
              }
            }}
          />
          {inUse && <span className="muted small">Held by members: reassign them first.</span>}
        </div>
      )}
    </article>
  );
}

export function RolesView() {
  const me = useMe();
  const can = useCan();
  const canManage = can('roles:manage');
  const roles = useResource<Page<Role>>(can('members:read') ? '/api/v1/roles' : null);
  const [creating, setCreating] = useState(false);

  const items = roles.data?.items ?? [];
  const builtin = items.filter((r) => r.builtin).sort((a, b) => builtinRank(a) - builtinRank(b));
  const custom = items.filter((r) => !r.builtin);

  return (
    <>
      <PageHeader
        title="Roles"
        description="A role is a named set of permissions. Built-in roles cannot change; custom roles are yours to shape."
        actions={
          canManage &&
          !creating && (
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              <Icon name="plus" size={16} /> New role
            </button>
          )
        }
      />
      {creating && (
        <Card title="New custom role" description="You can only include permissions you hold yourself.">
          <RoleForm
            allowed={me.permissions}
            onCancel={() => setCreating(false)}
            onCreated={() => {
              setCreating(false);
              void roles.reload();
            }}
          />
        </Card>
      )}
      {roles.error && <Alert tone="error">{roles.error}</Alert>}
      {roles.loading ? (
        <Spinner label="Loading roles" />
      ) : (
        <>
          <h2 className="section-title">Custom roles</h2>
          {custom.length ? (
            <div className="role-grid">
              {custom.map((r) => (
                <RoleCard key={r.id} role={r} canManage={canManage} onDeleted={roles.reload} />
              ))}
            </div>
          ) : (
            <p className="muted section-empty">No custom roles yet.{canManage ? ' Create one to grant exactly what a job needs.' : ''}</p>
          )}
          <h2 className="section-title">Built-in roles</h2>
          <div className="role-grid">
            {builtin.map((r) => (
              <RoleCard key={r.id} role={r} canManage={canManage} onDeleted={roles.reload} />
            ))}
          </div>
        </>
      )}
    </>
  );
}
