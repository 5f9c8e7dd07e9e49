import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { OWNER_ROLE_KEY } from '@/lib/auth/permissions';
import { asAuthRole } from '@/lib/db/auth-role';
import { memberships, roles, scimGroupMembers, scimGroups, user } from '@/lib/db/schema';
import { isUuid } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { assertQuota } from '@/lib/quotas';
import { assertCanJoinAnotherOrganization } from '@/lib/tenancy/organization-limit';
import { invalidFilter, invalidValue, mutability, scimNotFound, uniqueness } from './errors';
import type { Comparison } from './filter';
import type { PatchOperation } from './patch';
import { escapeLike, listResponse, toScimUser, type ListParams, type UserRow } from './resources';
import { defaultRole } from './role-sync';
import { applyUserPatch, parseUserBody, type UserState } from './user-input';

// SCIM Users are the organization's memberships: the id is the membership's id, so an id of another
// organization (or none) is simply not found under RLS, and DELETE removes the membership, never the account.

const userNameExpr = sql`lower(coalesce(${memberships.scimUserName}, ${user.email}))`;

function selectUsers(tx: Tx) {
  return tx
    .select({
      id: memberships.id,
      userId: memberships.userId,
      email: user.email,
      accountName: user.name,
      externalId: memberships.externalId,
      scimUserName: memberships.scimUserName,
      scimName: memberships.scimName,
      deactivatedAt: memberships.deactivatedAt,
      createdAt: memberships.createdAt,
      updatedAt: memberships.updatedAt,
      roleKey: roles.key,
    })
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId))
    .innerJoin(roles, eq(roles.id, memberships.roleId));
}

type Row = UserRow & { userId: string; roleKey: string };

function condition(c: Comparison): SQL {
  const text = (column: SQL, caseExact: boolean): SQL => {
    if (typeof c.value !== 'string') {
      if (c.value === null && c.op === 'eq') return sql`${column} is null`;
      throw invalidFilter(`${c.attr} is compared with a string`);
    }
    const left = caseExact ? column : sql`lower(${column})`;
    const value = caseExact ? c.value : c.value.toLowerCase();
    if (c.op === 'eq') return sql`${left} = ${value}`;
    return sql`${left} like ${c.op === 'co' ? `%${escapeLike(value)}%` : `${escapeLike(value)}%`}`;
  };
  switch (c.attr) {
    case 'username':
      return text(sql`coalesce(${memberships.scimUserName}, ${user.email})`, false);
    case 'externalid':
      return text(sql`${memberships.externalId}`, true);
    case 'id':
      if (typeof c.value === 'string' && c.op === 'eq') return isUuid(c.value) ? eq(memberships.id, c.value) : sql`false`;
      throw invalidFilter('id can only be compared with eq and a string');
    case 'emails':
    case 'emails.value':
      return text(sql`${user.email}`, false);
    case 'displayname':
      return text(sql`coalesce(${memberships.scimName}->>'displayName', ${user.name})`, false);
    case 'name.givenname':
      return text(sql`${memberships.scimName}->>'givenName'`, false);
    case 'name.familyname':
      return text(sql`${memberships.scimName}->>'familyName'`, false);
    case 'active':
      if (typeof c.value !== 'boolean' || c.op !== 'eq') throw invalidFilter('active can only be compared with eq and true or false');
      return c.value ? sql`${memberships.deactivatedAt} is null` : sql`${memberships.deactivatedAt} is not null`;
    default:
      throw invalidFilter(`Filtering Users on "${c.attr}" is not supported (userName, externalId, id, emails.value, displayName, name.givenName, name.familyName, active)`);
  }
}

async function groupsOf(tx: Tx, ids: string[]): Promise<Map<string, { id: string; displayName: string }[]>> {
  const out = new Map<string, { id: string; displayName: string }[]>();
  if (ids.length === 0) return out;
  const rows = await tx
    .select({ membershipId: scimGroupMembers.membershipId, id: scimGroups.id, displayName: scimGroups.displayName })
    .from(scimGroupMembers)
    .innerJoin(scimGroups, eq(scimGroups.id, scimGroupMembers.groupId))
    .where(inArray(scimGroupMembers.membershipId, ids))
    .orderBy(asc(scimGroups.displayName));
  for (const r of rows) out.set(r.membershipId, [...(out.get(r.membershipId) ?? []), { id: r.id, displayName: r.displayName }]);
  return out;
}

export async function listUsers(tx: Tx, params: ListParams, filter: Comparison[], baseUrl: string) {
  const where = filter.length ? and(...filter.map(condition)) : undefined;
  const [total] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId))
    .where(where);
  const rows = params.count === 0 ? [] : await selectUsers(tx).where(where).orderBy(asc(memberships.createdAt), asc(memberships.id)).offset(params.startIndex - 1).limit(params.count);
  const groups = await groupsOf(tx, rows.map((r) => r.id));
  return listResponse(rows.map((r) => toScimUser(r, groups.get(r.id) ?? [], baseUrl)), total?.n ?? 0, params.startIndex);
}

async function findRow(tx: Tx, id: string): Promise<Row> {
  if (!isUuid(id)) throw scimNotFound('User', id);
  const [row] = await selectUsers(tx).where(eq(memberships.id, id)).limit(1);
  if (!row) throw scimNotFound('User', id);
  return row;
}

export async function getUser(tx: Tx, id: string, baseUrl: string) {
  const row = await findRow(tx, id);
  return toScimUser(row, (await groupsOf(tx, [row.id])).get(row.id) ?? [], baseUrl);
}

function stateOf(r: Row): UserState {
  return { userName: r.scimUserName ?? r.email, externalId: r.externalId, active: r.deactivatedAt === null, name: r.scimName ?? {}, email: r.email };
}

async function assertUnique(tx: Tx, state: UserState, exceptId?: string): Promise<void> {
  const except = exceptId ? sql`${memberships.id} <> ${exceptId}` : undefined;
  const [byName] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId))
    .where(and(sql`${userNameExpr} = ${state.userName.toLowerCase()}`, except))
    .limit(1);
  if (byName) throw uniqueness(`A user with userName "${state.userName}" already exists`);
  if (state.externalId) {
    const [byExternal] = await tx.select({ id: memberships.id }).from(memberships).where(and(eq(memberships.externalId, state.externalId), except)).limit(1);
    if (byExternal) throw uniqueness(`A user with externalId "${state.externalId}" already exists`);
  }
}

// Linking by email, or creating the account: the named platform path into better-auth's table (app_auth), in
// this same transaction, so a refused membership leaves no orphan account behind.
async function accountFor(tx: Tx, email: string, state: UserState): Promise<string> {
  return asAuthRole(tx, async (authTx) => {
    const [existing] = await authTx.select({ id: user.id }).from(user).where(eq(sql`lower(${user.email})`, email)).limit(1);
    if (existing) return existing.id;
    const display = state.name.displayName ?? ([state.name.givenName, state.name.familyName].filter(Boolean).join(' ') || email.split('@')[0] || email);
    const [created] = await authTx.insert(user).values({ email, name: display.slice(0, 200), emailVerified: false }).returning({ id: user.id });
    if (!created) throw new Error('SCIM: the account was not created');
    return created.id;
  });
}

function scimColumns(state: UserState) {
  return { scimUserName: state.userName, externalId: state.externalId, scimName: state.name };
}

export async function createUser(tx: Tx, tenantId: string, body: unknown, baseUrl: string) {
  const state = parseUserBody(body);
  if (!state.email) throw invalidValue('A Reflex account needs an email address: send a primary emails value, or an email as userName');
  await assertUnique(tx, state);
  const userId = await accountFor(tx, state.email, state);
  const [already] = await tx.select({ id: memberships.id }).from(memberships).where(eq(memberships.userId, userId)).limit(1);
  if (already) throw uniqueness(`${state.email} is already a member of this organization`);
  await assertQuota(tx, tenantId, 'members', 1);
  await assertCanJoinAnotherOrganization(tx, userId, tenantId);
  const role = await defaultRole(tx);
  const [row] = await tx
    .insert(memberships)
    .values({ tenantId, userId, roleId: role.id, deactivatedAt: state.active ? null : new Date(), ...scimColumns(state) })
    .returning({ id: memberships.id });
  if (!row) throw new Error('SCIM: the membership was not created');
  return getUser(tx, row.id, baseUrl);
}

// The owner is out of SCIM's reach for anything that would lock them out: deactivating or removing them.
function assertNotOwnerLockout(r: Row, next: UserState | null): void {
  if (r.roleKey !== OWNER_ROLE_KEY) return;
  if (next === null || !next.active) throw mutability('The organization owner cannot be deactivated or removed through SCIM');
}

export type UserChange = 'scim.updateUser' | 'scim.deactivateUser' | 'scim.reactivateUser';

async function save(tx: Tx, r: Row, next: UserState, baseUrl: string): Promise<{ resource: Awaited<ReturnType<typeof getUser>>; action: UserChange }> {
  assertNotOwnerLockout(r, next);
  await assertUnique(tx, next, r.id);
  const wasActive = r.deactivatedAt === null;
  const deactivatedAt = next.active ? null : (r.deactivatedAt ?? new Date());
  await tx.update(memberships).set({ ...scimColumns(next), deactivatedAt, updatedAt: new Date() }).where(eq(memberships.id, r.id));
  const action = wasActive === next.active ? 'scim.updateUser' : next.active ? 'scim.reactivateUser' : 'scim.deactivateUser';
  return { resource: await getUser(tx, r.id, baseUrl), action };
}

export async function replaceUser(tx: Tx, id: string, body: unknown, baseUrl: string) {
  const row = await findRow(tx, id);
  return save(tx, row, parseUserBody(body, stateOf(row)), baseUrl);
}

export async function patchUser(tx: Tx, id: string, operations: PatchOperation[], baseUrl: string) {
  const row = await findRow(tx, id);
  return save(tx, row, applyUserPatch(stateOf(row), operations), baseUrl);
}

export async function deleteUser(tx: Tx, id: string): Promise<{ userId: string }> {
  const row = await findRow(tx, id);
  assertNotOwnerLockout(row, null);
  await tx.delete(memberships).where(eq(memberships.id, row.id));
  return { userId: row.userId };
}
