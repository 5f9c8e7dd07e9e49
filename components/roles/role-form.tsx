'use client';

import { useState, type FormEvent } from 'react';
import { useToast } from '@/components/toast';
import { LengthHint, tooLong } from '@/components/length-hint';
import { LIMITS } from '@/lib/validation/text';
import { Alert } from '@/components/ui';
import type { Permission } from '@/lib/auth/permissions';
import { api, errorMessage } from '@/lib/ui/api';
import type { Role } from '@/lib/ui/types';
import { PermissionPicker } from './permission-picker';

export function RoleForm({ allowed, onCreated, onCancel }: { allowed: readonly Permission[]; onCreated: () => void; onCancel: () => void }) {
  const toast = useToast();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [permissions, setPermissions] = useState<Permission[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!permissions.length) return setError('Pick at least one permission.');
    setBusy(true);
    setError(null);
    try {
      const role = await api<Role>('/api/v1/roles', { method: 'POST', body: { name, description, permissions } });
      toast(`Role “${role.name}” created`);
      onCreated();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={submit}>
      <div className="form-row">
        <div className="field field-grow">
          <label htmlFor="role-name">Name</label>
          <input
            id="role-name"
            className="input"
            required
            placeholder="e.g. Analyst"
            value={name}
            aria-describedby="role-name-hint"
            aria-invalid={tooLong(name, LIMITS.roleName)}
            onChange={(e) => setName(e.target.value)}
          />
          <LengthHint id="role-name-hint" value={name} max={LIMITS.roleName} label="Name" />
        </div>
        <div className="field field-grow">
          <label htmlFor="role-description">Description</label>
          <input
            id="role-description"
            className="input"
            placeholder="What people with this role do"
            value={description}
            aria-describedby="role-description-hint"
            aria-invalid={tooLong(description, LIMITS.roleDescription)}
            onChange={(e) => setDescription(e.target.value)}
          />
          <LengthHint id="role-description-hint" value={description} max={LIMITS.roleDescription} label="Description" />
        </div>
      </div>
      <PermissionPicker name="role-permissions" value={permissions} onChange={setPermissions} allowed={allowed} />
      {error && <Alert tone="error">{error}</Alert>}
      <div className="form-actions">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy || tooLong(name, LIMITS.roleName) || tooLong(description, LIMITS.roleDescription)}>
          {busy ? 'Creating…' : 'Create role'}
        </button>
      </div>
    </form>
  );
}
