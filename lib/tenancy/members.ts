import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { OWNER_ROLE_KEY, type Permission } from '@/lib/auth/permissions';
import { asAuthRole } from '@/lib/db/auth-role';
import { memberships, roles, session, user } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { conflict, forbidden, notFound } from '@/lib/http/errors';
import { decodeCursor, toPage } from '@/lib/http/pagination';
import type { Access } from './access';
import { assertCovers, assertGrantable, getRole } from './roles';

export const memberSchema = z
  .object({
    id: z.uuid(),
    userId: z.uuid(),
    name: z.string(),
    email: z.string(),
    emailVerified: z.boolean(),
    twoFactorEnabled: z.boolean(),
    deactivated: z.boolean().describe('Deactivated by the identity provider (SCIM): no access to this organization until reactivated'),
    role: z.object({ id: z.uuid(), key: z.string(), name: z.string() }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Member' });

export const updateMemberSchema = z.strictObject({ roleId: z.uuid() });

function memberQuery(tx: Tx) {
  return tx
    .select({
      id: memberships.id,
      userId: memberships.userId,
      createdAt: memberships.createdAt,
      name: user.name,
      email: user.email,
      emailVerified: user.emailVerified,
      twoFactorEnabled: user.twoFactorEnabled,
      deactivatedAt: memberships.deactivatedAt,
      roleId: roles.id,
      roleKey: roles.key,
      roleName: roles.name,
      rolePermissions: roles.permissions,
    })
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId))
    .innerJoin(roles, eq(roles.id, memberships.roleId));
}

export type MemberRow = Awaited<ReturnType<ReturnType<typeof memberQuery>['limit']>>[number];

function toMember(r: MemberRow): z.infer<typeof memberSchema> {
  return {
    id: r.id,
    userId: r.userId,
    name: r.name,
    email: r.email,
    emailVerified: r.emailVerified,
    twoFactorEnabled: r.twoFactorEnabled,
    deactivated: r.deactivatedAt !== null,
    role: { id: r.roleId, key: r.roleKey, name: r.roleName },
    createdAt: r.createdAt.toISOString(),
  };
}

export async function listMembers(tx: Tx, page: { cursor?: string; limit: number }) {
  const c = decodeCursor(page.cursor);
  const where = c
    ? or(lt(memberships.createdAt, new Date(c.t)), and(eq(memberships.createdAt, new Date(c.t)), lt(memberships.id, c.id)))
    : undefined;
  const rows = await memberQuery(tx).where(where).orderBy(desc(memberships.createdAt), desc(memberships.id)).limit(page.limit + 1);
  const { items, nextCursor } = toPage(rows, page.limit);
  return { items: items.map(toMember), nextCursor };
}

export async function getMemberRow(tx: Tx, id: string): Promise<MemberRow> {
  const [row] = await memberQuery(tx).where(eq(memberships.id, id)).limit(1);
  if (!row) throw notFound('Member');
  return row;
}

async function countOwners(tx: Tx): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(eq(roles.key, OWNER_ROLE_KEY));
  return row?.n ?? 0;
}

// Only an owner makes or unmakes owners: otherwise an admin could promote themselves past their own grant.
function assertOwnerChangeAllowed(access: Access): void {
  if (access.roleKey !== OWNER_ROLE_KEY && !access.permissions.has('tenant:manage')) {
    throw forbidden('Only an owner can grant or remove the owner role');
  }
}

export async function changeMemberRole(tx: Tx, access: Access, id: string, roleId: string) {
  const member = await getMemberRow(tx, id);
  const role = await getRole(tx, roleId);
  if (member.roleId === role.id) return toMember(member);
  assertGrantable(access, role.permissions as Permission[]);
  if (member.roleKey === OWNER_ROLE_KEY || role.key === OWNER_ROLE_KEY) assertOwnerChangeAllowed(access);
  assertCovers(access, member.rolePermissions, 'change the role of');
  if (member.roleKey === OWNER_ROLE_KEY && (await countOwners(tx)) <= 1) {
    throw conflict('The last owner cannot be demoted; make someone else an owner first');
  }
  await tx.update(memberships).set({ roleId: role.id, updatedAt: new Date() }).where(eq(memberships.id, id));
  return toMember(await getMemberRow(tx, id));
}

async function deleteSessionsOf(tx: Tx, userId: string): Promise<number> {
  return asAuthRole(tx, async (authTx) => {
    const deleted = await authTx.delete(session).where(eq(session.userId, userId)).returning({ id: session.id });
    return deleted.length;
  });
}

export async function removeMember(tx: Tx, access: Access, id: string): Promise<{ userId: string }> {
  const member = await getMemberRow(tx, id);
  if (member.roleKey === OWNER_ROLE_KEY) {
    assertOwnerChangeAllowed(access);
    if ((await countOwners(tx)) <= 1) throw conflict('The last owner cannot be removed');
  }
  assertCovers(access, member.rolePermissions, 'remove');
  await tx.delete(memberships).where(eq(memberships.id, id));
  // Their API keys stop working at once too (lib/tenancy/access.ts checks the creator's membership).
  return { userId: member.userId };
}

export async function revokeMemberSessions(tx: Tx, access: Access, id: string): Promise<{ revoked: number }> {
  const member = await getMemberRow(tx, id);
  if (member.roleKey === OWNER_ROLE_KEY) assertOwnerChangeAllowed(access);
  assertCovers(access, member.rolePermissions, 'sign out');
  return { revoked: await deleteSessionsOf(tx, member.userId) };
}
