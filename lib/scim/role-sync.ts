import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { OWNER_ROLE_KEY } from '@/lib/auth/permissions';
import { memberships, roles, scimGroupMembers, scimGroups, tenants } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { AppError } from '@/lib/http/errors';

// Groups → roles. The rule (README "SCIM provisioning"):
// - Once at least one SCIM group of the organization is mapped to a role, the role of every member SCIM touches
//   follows their groups: the most privileged role mapped from the groups they are in (most permissions; ties go
//   to the built-in role, then the older role), or the organization's SCIM default role when none of their groups
//   is mapped.
// - While no group is mapped, SCIM leaves roles alone (a new member gets the default role).
// - The owner role is never given, taken or changed by SCIM: a group cannot be mapped to it, and owners keep it.

const BUILTIN_MEMBER_ROLE_KEY = 'member';
const scimSettingsSchema = z.looseObject({ defaultRoleId: z.uuid().optional() });

export async function storedDefaultRoleId(tx: Tx): Promise<string | null> {
  const [row] = await tx.select({ scim: sql<unknown>`${tenants.settings}->'security'->'scim'` }).from(tenants).limit(1);
  const parsed = scimSettingsSchema.safeParse(row?.scim ?? {});
  return parsed.success ? (parsed.data.defaultRoleId ?? null) : null;
}

/** The role new SCIM members get, and members of no mapped group: the configured one, else built-in "member". */
export async function defaultRole(tx: Tx): Promise<{ id: string; key: string; name: string }> {
  const configured = await storedDefaultRoleId(tx);
  const where = configured ? eq(roles.id, configured) : eq(roles.key, BUILTIN_MEMBER_ROLE_KEY);
  const [row] = await tx.select({ id: roles.id, key: roles.key, name: roles.name }).from(roles).where(where).limit(1);
  if (row && row.key !== OWNER_ROLE_KEY) return row;
  const [fallback] = await tx.select({ id: roles.id, key: roles.key, name: roles.name }).from(roles).where(eq(roles.key, BUILTIN_MEMBER_ROLE_KEY)).limit(1);
  if (!fallback) throw new AppError('internal', 'The organization has no member role');
  return fallback;
}

export async function setDefaultRoleId(tx: Tx, tenantId: string, roleId: string): Promise<void> {
  await tx
    .update(tenants)
    .set({
      settings: sql`jsonb_set(${tenants.settings}, '{security}', coalesce(${tenants.settings}->'security', '{}'::jsonb) || ${JSON.stringify({ scim: { defaultRoleId: roleId } })}::jsonb)`,
      updatedAt: new Date(),
    })
    .where(eq(tenants.id, tenantId));
}

async function anyGroupMapped(tx: Tx): Promise<boolean> {
  const [row] = await tx.select({ id: scimGroups.id }).from(scimGroups).where(isNotNull(scimGroups.roleId)).limit(1);
  return row !== undefined;
}

/** Brings the roles of these members in line with their groups (see the rule above). Returns how many changed. */
export async function syncRoles(tx: Tx, membershipIds: readonly string[]): Promise<number> {
  const ids = [...new Set(membershipIds)];
  if (ids.length === 0 || !(await anyGroupMapped(tx))) return 0;
  const fallback = await defaultRole(tx);
  const current = await tx
    .select({ id: memberships.id, roleId: memberships.roleId, roleKey: roles.key })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(inArray(memberships.id, ids));
  const mapped = await tx
    .select({
      membershipId: scimGroupMembers.membershipId,
      roleId: roles.id,
      rank: sql<number>`cardinality(${roles.permissions})`,
      builtin: roles.builtin,
      createdAt: roles.createdAt,
    })
    .from(scimGroupMembers)
    .innerJoin(scimGroups, eq(scimGroups.id, scimGroupMembers.groupId))
    .innerJoin(roles, eq(roles.id, scimGroups.roleId))
    .where(and(inArray(scimGroupMembers.membershipId, ids), sql`${roles.key} <> ${OWNER_ROLE_KEY}`));
  const best = new Map<string, (typeof mapped)[number]>();
  for (const m of mapped) {
    const seen = best.get(m.membershipId);
    const better =
      !seen ||
      m.rank > seen.rank ||
      (m.rank === seen.rank && m.builtin && !seen.builtin) ||
      (m.rank === seen.rank && m.builtin === seen.builtin && m.createdAt.getTime() < seen.createdAt.getTime());
    if (better) best.set(m.membershipId, m);
  }
  let changed = 0;
  for (const member of current) {
    if (member.roleKey === OWNER_ROLE_KEY) continue;
    const target = best.get(member.id)?.roleId ?? fallback.id;
    if (target === member.roleId) continue;
    await tx.update(memberships).set({ roleId: target, updatedAt: new Date() }).where(eq(memberships.id, member.id));
    changed += 1;
  }
  return changed;
}
