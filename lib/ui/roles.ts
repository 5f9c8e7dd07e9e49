import type { Permission } from '@/lib/auth/permissions';
import type { Role } from './types';

// Mirrors the server's rule (lib/tenancy/roles.ts assertGrantable): nobody hands out a permission they lack.
export function canGrant(role: Pick<Role, 'permissions'>, mine: readonly Permission[]): boolean {
  return role.permissions.every((p) => mine.includes(p));
}
