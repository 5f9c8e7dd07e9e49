import { z } from 'zod';

export const PERMISSIONS = [
  'documents:read',
  'documents:write',
  'tasks:read',
  'tasks:write',
  'members:read',
  'members:manage',
  'roles:manage',
  'apikeys:manage',
  'audit:read',
  'usage:read',
  'settings:manage',
  'privacy:export',
  'privacy:manage',
  'tenant:manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];
export const permissionSchema = z.enum(PERMISSIONS);

export const PERMISSION_DESCRIPTIONS: Record<Permission, string> = {
  'documents:read': 'View documents, search and ask the assistant',
  'documents:write': 'Upload, retry, cancel and delete documents',
  'tasks:read': 'View the task board',
  'tasks:write': 'Create, edit, move and delete tasks',
  'members:read': 'View members and invitations',
  'members:manage': 'Invite, remove and change the role of members; revoke their sessions',
  'roles:manage': 'Create, edit and delete custom roles',
  'apikeys:manage': 'Create and revoke API keys',
  'audit:read': 'Read, export and verify the audit log',
  'usage:read': 'View AI usage, costs and quotas',
  'settings:manage': 'Change AI policy, rules, categories and board columns',
  'privacy:export': 'Export your own personal data',
  'privacy:manage': "Export the whole organization's data and erase members",
  'tenant:manage': 'Erase the organization',
};

// Permissions over one's own data only. Holding one gives no power over anyone else, so granting it through a role
// or an invitation needs nothing, and it does not count when deciding who may act on a member. API key scopes are
// different: they are all that stands between a key and its creator's data, so a key scope is granted like any other.
export const SELF_PERMISSIONS: ReadonlySet<Permission> = new Set(['privacy:export']);

const ALL: readonly Permission[] = PERMISSIONS;

export const BUILTIN_ROLES: readonly { key: string; name: string; description: string; permissions: readonly Permission[] }[] = [
  { key: 'owner', name: 'Owner', description: 'Full control, including erasing the organization', permissions: ALL },
  {
    key: 'admin',
    name: 'Admin',
    description: 'Manages members, roles, keys and settings',
    permissions: ALL.filter((p) => p !== 'tenant:manage'),
  },
  {
    key: 'member',
    name: 'Member',
    description: 'Works with documents and tasks',
    permissions: ['documents:read', 'documents:write', 'tasks:read', 'tasks:write', 'members:read', 'usage:read', 'privacy:export'],
  },
  // Everyone may export their own data (GDPR access); an API key only when its scopes include privacy:export.
  { key: 'viewer', name: 'Viewer', description: 'Read-only access', permissions: ['documents:read', 'tasks:read', 'members:read', 'privacy:export'] },
];

export const OWNER_ROLE_KEY = 'owner';
