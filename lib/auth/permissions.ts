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
  'privacy:manage': 'Export personal data and erase members',
  'tenant:manage': 'Erase the organization',
};

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
    permissions: ['documents:read', 'documents:write', 'tasks:read', 'tasks:write', 'members:read', 'usage:read'],
  },
  { key: 'viewer', name: 'Viewer', description: 'Read-only access', permissions: ['documents:read', 'tasks:read', 'members:read'] },
];

export const OWNER_ROLE_KEY = 'owner';
