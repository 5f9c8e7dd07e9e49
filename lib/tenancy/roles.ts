import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { BUILTIN_ROLES, permissionSchema, SELF_PERMISSIONS, type Permission } from '@/lib/auth/permissions';
import { memberships, roles } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { AppError, conflict, forbidden, notFound } from '@/lib/http/errors';
import { boundedText, LIMITS } from '@/lib/validation/text';
import type { Access } from './access';

export const roleSchema = z
  .object({
    id: z.uuid(),
    key: z.string(),
    name: z.string(),
    description: z.string(),
    permissions: z.array(permissionSchema),
    builtin: z.boolean(),
    memberCount: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Role' });

export const createRoleSchema = z.strictObject({
  name: boundedText('Role name', LIMITS.roleName),
  description: z.string().trim().max(LIMITS.roleDescription, `Description must be at most ${LIMITS.roleDescription} characters`).default(''),
  permissions: z.array(permissionSchema).min(1).max(50),
});

export const updateRoleSchema = z
  .strictObject({
    name: boundedText('Role name', LIMITS.roleName).optional(),
    description: z.string().trim().max(LIMITS.roleDescription, `Description must be at most ${LIMITS.roleDescription} characters`).optional(),
    permissions: z.array(permissionSchema).min(1).max(50).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change');

export async function seedBuiltinRoles(tx: Tx, tenantId: string): Promise<Map<string, string>> {
  const rows = await tx
    .insert(roles)
    .values(BUILTIN_ROLES.map((r) => ({ tenantId, key: r.key, name: r.name, description: r.description, permissions: [...r.permissions], builtin: true })))
    .returning({ id: roles.id, key: roles.key });
  return new Map(rows.map((r) => [r.key, r.id]));
}

function slugKey(name: string): string {
  return `custom-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'role'}`;
}

// Nobody can hand out a permission they do not hold themselves: that is what keeps custom roles from being a
// privilege-escalation path. Permissions over one's own data are exempt, except as API key scopes (`scopes`).
export function assertGrantable(access: Access, permissions: readonly Permission[], opts: { scopes?: boolean } = {}): void {
  const missing = permissions.filter((p) => !access.permissions.has(p) && (opts.scopes === true || !SELF_PERMISSIONS.has(p)));
  if (missing.length) throw forbidden(`You cannot grant permissions you do not hold: ${missing.join(', ')}`);
}

// Acting on a member (removing, erasing, signing out, changing their role) needs every permission they hold:
// otherwise a holder of members:manage or privacy:manage alone could lock out or erase the people who oversee them.
export function assertCovers(access: Access, target: readonly string[], what: string): void {
  const missing = toPermissionList(target).filter((p) => !access.permissions.has(p) && !SELF_PERMISSIONS.has(p));
  if (missing.length) throw forbidden(`You cannot ${what} a member who holds permissions you do not: ${missing.join(', ')}`);
}

function toPermissionList(values: readonly string[]): Permission[] {
  return values.filter((p): p is Permission => permissionSchema.safeParse(p).success);
}

export async function listRoles(tx: Tx) {
  const rows = await tx
    .select({
      id: roles.id,
      key: roles.key,
      name: roles.name,
      description: roles.description,
      permissions: roles.permissions,
      builtin: roles.builtin,
      createdAt: roles.createdAt,
      // Written out in full: drizzle renders ${roles.id} unqualified, which inside the subquery would mean m.id.
      memberCount: sql<number>`(select count(*)::int from memberships m where m.role_id = "roles"."id")`,
    })
    .from(roles)
    .orderBy(sql`${roles.builtin} desc`, asc(roles.createdAt), asc(roles.id));
  return { items: rows.map(toRole), nextCursor: null };
}

function toRole(r: { id: string; key: string; name: string; description: string; permissions: string[]; builtin: boolean; createdAt: Date; memberCount: number }): z.infer<typeof roleSchema> {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    description: r.description,
    permissions: toPermissionList(r.permissions),
    builtin: r.builtin,
    memberCount: r.memberCount,
    createdAt: r.createdAt.toISOString(),
  };
}

export async function getRole(tx: Tx, id: string) {
  const [row] = await tx.select().from(roles).where(eq(roles.id, id)).limit(1);
  if (!row) throw notFound('Role');
  return row;
}

export async function createRole(tx: Tx, tenantId: string, access: Access, input: z.infer<typeof createRoleSchema>) {
  assertGrantable(access, input.permissions);
  const key = slugKey(input.name);
  const [existing] = await tx.select({ id: roles.id }).from(roles).where(eq(roles.key, key)).limit(1);
  if (existing) throw conflict(`A role named "${input.name}" already exists`);
  const [row] = await tx
    .insert(roles)
    .values({ tenantId, key, name: input.name, description: input.description, permissions: [...new Set(input.permissions)] })
    .returning();
  if (!row) throw new AppError('internal', 'Role was not created');
  return toRole({ ...row, memberCount: 0 });
}

export async function updateRole(tx: Tx, access: Access, id: string, input: z.infer<typeof updateRoleSchema>) {
  const role = await getRole(tx, id);
  if (role.builtin) throw conflict('Built-in roles cannot be changed; create a custom role instead');
  if (input.permissions) assertGrantable(access, input.permissions);
  const [row] = await tx
    .update(roles)
    .set({
      name: input.name ?? role.name,
      description: input.description ?? role.description,
      permissions: input.permissions ? [...new Set(input.permissions)] : role.permissions,
      updatedAt: new Date(),
    })
    .where(eq(roles.id, id))
    .returning();
  if (!row) throw notFound('Role');
  const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(memberships).where(eq(memberships.roleId, id));
  return toRole({ ...row, memberCount: count?.n ?? 0 });
}

export async function deleteRole(tx: Tx, id: string): Promise<void> {
  const role = await getRole(tx, id);
  if (role.builtin) throw conflict('Built-in roles cannot be deleted');
  const [inUse] = await tx.select({ id: memberships.id }).from(memberships).where(eq(memberships.roleId, id)).limit(1);
  if (inUse) throw conflict('This role is assigned to members; give them another role first');
  await tx.delete(roles).where(eq(roles.id, id));
}
