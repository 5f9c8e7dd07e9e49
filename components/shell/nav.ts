import type { Permission } from '@/lib/auth/permissions';
import type { IconName } from '@/components/icons';

export interface NavItem {
  href: string;
  label: string;
  icon: IconName;
  permission?: Permission;
}

export const NAV_SECTIONS: { title: string; items: NavItem[] }[] = [
  {
    title: 'Workspace',
    items: [
      { href: '/app', label: 'Dashboard', icon: 'home' },
      { href: '/app/documents', label: 'Documents', icon: 'file', permission: 'documents:read' },
      { href: '/app/assistant', label: 'Assistant', icon: 'message', permission: 'documents:read' },
      { href: '/app/tasks', label: 'Tasks', icon: 'tasks', permission: 'tasks:read' },
    ],
  },
  {
    title: 'Insights',
    items: [
      { href: '/app/audit', label: 'Audit log', icon: 'activity', permission: 'audit:read' },
      { href: '/app/usage', label: 'Usage', icon: 'chart', permission: 'usage:read' },
    ],
  },
  {
    title: 'Organization',
    items: [
      { href: '/app/settings/organization', label: 'Organization', icon: 'building', permission: 'settings:manage' },
      { href: '/app/settings', label: 'Settings (AI)', icon: 'sliders', permission: 'settings:manage' },
      { href: '/app/settings/security', label: 'Security', icon: 'lock', permission: 'settings:manage' },
      { href: '/app/settings/integrations', label: 'Integrations', icon: 'zap', permission: 'settings:manage' },
      { href: '/app/members', label: 'Members', icon: 'users', permission: 'members:read' },
      { href: '/app/roles', label: 'Roles', icon: 'shield', permission: 'members:read' },
      { href: '/app/api-keys', label: 'API keys', icon: 'key', permission: 'apikeys:manage' },
    ],
  },
];
