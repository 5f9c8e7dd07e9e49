import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { OWNER_ROLE_KEY, type Permission } from '@/lib/auth/permissions';
import { memberships, roles, scimGroupMembers, scimGroups } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { AppError, notFound } from '@/lib/http/errors';
import type { Access } from '@/lib/tenancy/access';
import { assertCovers, assertGrantable, getRole } from '@/lib/tenancy/roles';
import { defaultRole, setDefaultRoleId, syncRoles } from './role-sync';

// What an administrator sees and sets in the security settings: where to point the identity provider, the role
// new members get, and which role each pushed group maps to.

const roleRef = z.object({ id: z.uuid(), name: z.string() });

export const scimGroupMappingSchema = z
  .object({
    id: z.uuid(),
    displayName: z.string(),
    memberCount: z.number().int(),
    role: roleRef.nullable().describe('The role members of this group get; null when the group is not mapped'),
  })
  .meta({ id: 'ScimGroupMapping' });

export const scimSettingsSchema = z
  .object({
    baseUrl: z.string().describe('The SCIM base URL to give the identity provider (Okta "SCIM connector base URL", Azure AD "Tenant URL")'),
    defaultRole: roleRef.describe('The role of new SCIM members, and of members none of whose groups is mapped'),
    groups: z.array(scimGroupMappingSchema),
  })
  .meta({ id: 'ScimSettings' });

export const updateScimSettingsSchema = z.strictObject({ defaultRoleId: z.uuid() });
export const mapScimGroupSchema = z.strictObject({ roleId: z.uuid().nullable().describe('null removes the mapping') });

export async function getScimSettings(tx: Tx, baseUrl: string): Promise<z.infer<typeof scimSettingsSchema>> {
  const role = await defaultRole(tx);
  return { baseUrl: `${baseUrl}/api/scim/v2`, defaultRole: { id: role.id, name: role.name }, groups: await listGroupMappings(tx) };
}

async function listGroupMappings(tx: Tx): Promise<z.infer<typeof scimGroupMappingSchema>[]> {
  const rows = await tx
    .select({
      id: scimGroups.id,
      displayName: scimGroups.displayName,
      roleId: roles.id,
      roleName: roles.name,
      memberCount: sql<number>`(select count(*)::int from scim_group_members gm where gm.group_id = "scim_groups"."id")`,
    })
    .from(scimGroups)
    .leftJoin(roles, eq(roles.id, scimGroups.roleId))
    .orderBy(asc(sql`lower(${scimGroups.displayName})`))
    .limit(500);
  return rows.map((r) => ({ id: r.id, displayName: r.displayName, memberCount: r.memberCount, role: r.roleId && r.roleName ? { id: r.roleId, name: r.roleName } : null }));
}

// SCIM never hands out the owner role, and nobody maps a group to a role they could not grant themselves.
async function grantableRole(tx: Tx, access: Access, roleId: string) {
  const role = await getRole(tx, roleId);
  if (role.key === OWNER_ROLE_KEY) throw new AppError('validation_failed', 'The owner role cannot be given through SCIM; choose another role');
  // Stored permissions are checked against the known list by the role schema when roles are written.
  assertGrantable(access, role.permissions as Permission[]);
  return role;
}

export async function updateScimSettings(tx: Tx, access: Access, input: z.infer<typeof updateScimSettingsSchema>, baseUrl: string) {
  const role = await grantableRole(tx, access, input.defaultRoleId);
  await setDefaultRoleId(tx, access.tenantId, role.id);
  return getScimSettings(tx, baseUrl);
}

export async function mapScimGroup(tx: Tx, access: Access, groupId: string, input: z.infer<typeof mapScimGroupSchema>) {
  const [group] = await tx.select().from(scimGroups).where(eq(scimGroups.id, groupId)).limit(1);
  if (!group) throw notFound('SCIM group');
  const role = input.roleId ? await grantableRole(tx, access, input.roleId) : null;
  // The group's members take the mapped role at once, so this is changing their roles: as on the members page,
  // nobody may do it to someone who holds permissions they lack (owners are never changed by SCIM).
  const affected = await tx
    .select({ permissions: roles.permissions })
    .from(scimGroupMembers)
    .innerJoin(memberships, eq(memberships.id, scimGroupMembers.membershipId))
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(and(eq(scimGroupMembers.groupId, groupId), ne(roles.key, OWNER_ROLE_KEY)));
  for (const member of affected) assertCovers(access, member.permissions, 'change the role of');
  await tx.update(scimGroups).set({ roleId: role?.id ?? null, updatedAt: new Date() }).where(eq(scimGroups.id, groupId));
  const members = await tx.select({ id: scimGroupMembers.membershipId }).from(scimGroupMembers).where(eq(scimGroupMembers.groupId, groupId));
  await syncRoles(tx, members.map((m) => m.id));
  const mappings = await listGroupMappings(tx);
  const mapped = mappings.find((g) => g.id === groupId);
  if (!mapped) throw notFound('SCIM group');
  return mapped;
}
