'use client';

import { PERMISSION_DESCRIPTIONS, PERMISSIONS, type Permission } from '@/lib/auth/permissions';

function groupOf(p: Permission): string {
  return p.split(':')[0] ?? p;
}

const GROUP_LABELS: Record<string, string> = {
  documents: 'Documents',
  tasks: 'Tasks',
  members: 'Members',
  roles: 'Roles',
  apikeys: 'API keys',
  audit: 'Audit',
  usage: 'Usage',
  settings: 'Settings',
  privacy: 'Privacy',
  tenant: 'Organization',
};

// Checkboxes for permissions, grouped by area. Permissions outside `allowed` are shown disabled, so people see
// what exists without being able to hand out what they do not hold.
export function PermissionPicker({
  value,
  onChange,
  allowed,
  name,
}: {
  value: readonly Permission[];
  onChange: (next: Permission[]) => void;
  allowed: readonly Permission[];
  name: string;
}) {
  const groups = [...new Set(PERMISSIONS.map(groupOf))];
  const toggle = (p: Permission, on: boolean) => onChange(on ? [...value, p] : value.filter((v) => v !== p));
  const selectable = PERMISSIONS.filter((p) => allowed.includes(p));
  const all = selectable.every((p) => value.includes(p));

  return (
    <fieldset className="perm-picker">
      <legend className="sr-only">Permissions</legend>
      <div className="perm-toolbar">
        <span className="muted">
          {value.length} of {selectable.length} selected
        </span>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange(all ? [] : [...selectable])}>
          {all ? 'Clear all' : 'Select all'}
        </button>
      </div>
      <div className="perm-groups">
        {groups.map((g) => (
          <div key={g} className="perm-group">
            <div className="perm-group-title">{GROUP_LABELS[g] ?? g}</div>
            {PERMISSIONS.filter((p) => groupOf(p) === g).map((p) => {
              const disabled = !allowed.includes(p);
              return (
                <label key={p} className={`check${disabled ? ' check-disabled' : ''}`} title={disabled ? 'You do not hold this permission' : undefined}>
                  <input
                    type="checkbox"
                    name={name}
                    value={p}
                    checked={value.includes(p)}
                    disabled={disabled}
                    onChange={(e) => toggle(p, e.target.checked)}
                  />
                  <span>
                    <span className="check-label mono">{p}</span>
                    <span className="check-hint">{PERMISSION_DESCRIPTIONS[p]}</span>
                  </span>
                </label>
              );
            })}
          </div>
        ))}
      </div>
    </fieldset>
  );
}
