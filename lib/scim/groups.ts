import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { memberships, scimGroupMembers, scimGroups, user } from '@/lib/db/schema';
import { isUuid } from '@/lib/db/tenant';
import type { Tx } from '@/lib/db/types';
import { invalidFilter, invalidValue, noTarget, scimNotFound, uniqueness } from './errors';
import type { Comparison } from './filter';
import { isRecord, toOptionalText, toText, type PatchOperation } from './patch';
import { escapeLike, listResponse, toScimGroup, type GroupRow, type ListParams } from './resources';
import { syncRoles } from './role-sync';

// SCIM Groups: the organization's scim_groups rows and their members (memberships). A change of membership
// re-applies the group → role rule to the members it touched (lib/scim/role-sync.ts).

const MAX_MEMBERS_PER_REQUEST = 1_000;
const GROUP_ATTRIBUTES = new Set(['schemas', 'id', 'meta', 'displayname', 'externalid', 'members']);

function condition(c: Comparison): SQL {
  if (c.attr === 'members.value') {
    // `members[value eq "id"]`: does the group hold this member (identity providers check before adding).
    if (typeof c.value !== 'string' || c.op !== 'eq') throw invalidFilter('members can only be filtered with members[value eq "<user id>"]');
    if (!isUuid(c.value)) return sql`false`;
    return sql`exists (select 1 from scim_group_members gm where gm.group_id = "scim_groups"."id" and gm.membership_id = ${c.value})`;
  }
  if (c.attr === 'id') {
    if (typeof c.value === 'string' && c.op === 'eq') return isUuid(c.value) ? eq(scimGroups.id, c.value) : sql`false`;
    throw invalidFilter('id can only be compared with eq and a string');
  }
  const column = c.attr === 'displayname' ? sql`lower(${scimGroups.displayName})` : c.attr === 'externalid' ? sql`${scimGroups.externalId}` : null;
  if (!column) throw invalidFilter(`Filtering Groups on "${c.attr}" is not supported (displayName, externalId, id, members[value eq …])`);
  if (typeof c.value !== 'string') throw invalidFilter(`${c.attr} is compared with a string`);
  const value = c.attr === 'displayname' ? c.value.toLowerCase() : c.value;
  if (c.op === 'eq') return sql`${column} = ${value}`;
  return sql`${column} like ${c.op === 'co' ? `%${escapeLike(value)}%` : `${escapeLike(value)}%`}`;
}

async function membersOf(tx: Tx, groupIds: string[]): Promise<Map<string, { id: string; display: string }[]>> {
  const out = new Map<string, { id: string; display: string }[]>();
  if (groupIds.length === 0) return out;
  const rows = await tx
    .select({ groupId: scimGroupMembers.groupId, id: memberships.id, display: sql<string>`coalesce(${memberships.scimName}->>'displayName', ${user.name})` })
    .from(scimGroupMembers)
    .innerJoin(memberships, eq(memberships.id, scimGroupMembers.membershipId))
    .innerJoin(user, eq(user.id, memberships.userId))
    .where(inArray(scimGroupMembers.groupId, groupIds))
    .orderBy(asc(scimGroupMembers.createdAt));
  for (const r of rows) out.set(r.groupId, [...(out.get(r.groupId) ?? []), { id: r.id, display: r.display }]);
  return out;
}

export async function listGroups(tx: Tx, params: ListParams, filter: Comparison[], baseUrl: string) {
  const where = filter.length ? and(...filter.map(condition)) : undefined;
  const [total] = await tx.select({ n: sql<number>`count(*)::int` }).from(scimGroups).where(where);
  const rows = params.count === 0 ? [] : await tx.select().from(scimGroups).where(where).orderBy(asc(scimGroups.createdAt), asc(scimGroups.id)).offset(params.startIndex - 1).limit(params.count);
  const members = params.excludeMembers ? null : await membersOf(tx, rows.map((r) => r.id));
  return listResponse(rows.map((r) => toScimGroup(r, members ? (members.get(r.id) ?? []) : null, baseUrl)), total?.n ?? 0, params.startIndex);
}

async function findGroup(tx: Tx, id: string): Promise<GroupRow> {
  if (!isUuid(id)) throw scimNotFound('Group', id);
  const [row] = await tx.select().from(scimGroups).where(eq(scimGroups.id, id)).limit(1);
  if (!row) throw scimNotFound('Group', id);
  return row;
}

export async function getGroup(tx: Tx, id: string, baseUrl: string, excludeMembers = false) {
  const row = await findGroup(tx, id);
  return toScimGroup(row, excludeMembers ? null : ((await membersOf(tx, [id])).get(id) ?? []), baseUrl);
}

// Member references are membership ids of this organization. Anything else (another organization's id, no
// id at all) gets the same answer, so nothing about other organizations can be learnt here.
async function memberIds(tx: Tx, value: unknown): Promise<string[]> {
  const list = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  if (list.length > MAX_MEMBERS_PER_REQUEST) throw invalidValue(`At most ${MAX_MEMBERS_PER_REQUEST} members per request`);
  const ids = list.map((m) => {
    if (!isRecord(m) || typeof m.value !== 'string') throw invalidValue('members must be a list of {"value": "<user id>"}');
    return m.value;
  });
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const valid = unique.filter(isUuid);
  const found = valid.length ? await tx.select({ id: memberships.id }).from(memberships).where(inArray(memberships.id, valid)) : [];
  const known = new Set(found.map((f) => f.id));
  const missing = unique.filter((id) => !known.has(id));
  if (missing.length) throw invalidValue(`No user with id ${missing.slice(0, 3).join(', ')} in this organization`);
  return unique;
}

async function assertUniqueGroup(tx: Tx, displayName: string, externalId: string | null, exceptId?: string): Promise<void> {
  const except = exceptId ? sql`${scimGroups.id} <> ${exceptId}` : undefined;
  const [byName] = await tx.select({ id: scimGroups.id }).from(scimGroups).where(and(sql`lower(${scimGroups.displayName}) = ${displayName.toLowerCase()}`, except)).limit(1);
  if (byName) throw uniqueness(`A group named "${displayName}" already exists`);
  if (externalId) {
    const [byExternal] = await tx.select({ id: scimGroups.id }).from(scimGroups).where(and(eq(scimGroups.externalId, externalId), except)).limit(1);
    if (byExternal) throw uniqueness(`A group with externalId "${externalId}" already exists`);
  }
}

interface GroupState {
  displayName: string;
  externalId: string | null;
  members: string[];
}

function parseGroupBody(body: unknown): { displayName: string; externalId: string | null; members: unknown } {
  if (!isRecord(body)) throw invalidValue('The body must be a SCIM Group object');
  let displayName: string | undefined;
  let externalId: string | null = null;
  let members: unknown = [];
  for (const [key, value] of Object.entries(body)) {
    const k = key.toLowerCase();
    if (k === 'displayname') displayName = toText(value, 'displayName', 200);
    else if (k === 'externalid') externalId = toOptionalText(value, 'externalId');
    else if (k === 'members') members = value;
    else if (!GROUP_ATTRIBUTES.has(k)) throw invalidValue(`"${key}" is not an attribute of the Group schema`);
  }
  if (!displayName) throw invalidValue('displayName is required');
  return { displayName, externalId, members };
}

async function setMembers(tx: Tx, tenantId: string, groupId: string, before: string[], after: string[]): Promise<void> {
  const keep = new Set(after);
  const had = new Set(before);
  const removed = before.filter((id) => !keep.has(id));
  const added = after.filter((id) => !had.has(id));
  if (removed.length) await tx.delete(scimGroupMembers).where(and(eq(scimGroupMembers.groupId, groupId), inArray(scimGroupMembers.membershipId, removed)));
  if (added.length) await tx.insert(scimGroupMembers).values(added.map((membershipId) => ({ tenantId, groupId, membershipId }))).onConflictDoNothing();
  await syncRoles(tx, [...removed, ...added]);
}

async function currentMembers(tx: Tx, groupId: string): Promise<string[]> {
  const rows = await tx.select({ id: scimGroupMembers.membershipId }).from(scimGroupMembers).where(eq(scimGroupMembers.groupId, groupId));
  return rows.map((r) => r.id);
}

export async function createGroup(tx: Tx, tenantId: string, body: unknown, baseUrl: string) {
  const input = parseGroupBody(body);
  await assertUniqueGroup(tx, input.displayName, input.externalId);
  const members = await memberIds(tx, input.members);
  const [row] = await tx.insert(scimGroups).values({ tenantId, displayName: input.displayName, externalId: input.externalId }).returning({ id: scimGroups.id });
  if (!row) throw new Error('SCIM: the group was not created');
  await setMembers(tx, tenantId, row.id, [], members);
  return getGroup(tx, row.id, baseUrl);
}

async function save(tx: Tx, tenantId: string, group: GroupRow, before: string[], next: GroupState, baseUrl: string) {
  await assertUniqueGroup(tx, next.displayName, next.externalId, group.id);
  await tx.update(scimGroups).set({ displayName: next.displayName, externalId: next.externalId, updatedAt: new Date() }).where(eq(scimGroups.id, group.id));
  await setMembers(tx, tenantId, group.id, before, next.members);
  return getGroup(tx, group.id, baseUrl);
}

export async function replaceGroup(tx: Tx, tenantId: string, id: string, body: unknown, baseUrl: string) {
  const group = await findGroup(tx, id);
  const input = parseGroupBody(body);
  const members = await memberIds(tx, input.members);
  return save(tx, tenantId, group, await currentMembers(tx, id), { displayName: input.displayName, externalId: input.externalId, members }, baseUrl);
}

// `members[value eq "id"]`: the ids the filter names (only `value eq` is meaningful for members).
function filteredIds(filter: Comparison[]): string[] {
  return filter.map((c) => {
    if (c.attr !== 'value' || c.op !== 'eq' || typeof c.value !== 'string') throw invalidValue('Member filters must be of the form members[value eq "<user id>"]');
    return c.value;
  });
}

async function applyMembersOp(tx: Tx, state: GroupState, op: PatchOperation['op'], filter: Comparison[] | undefined, value: unknown): Promise<void> {
  if (op === 'remove') {
    const drop = new Set(filter ? filteredIds(filter) : value === undefined ? state.members : referencedIds(value));
    state.members = state.members.filter((id) => !drop.has(id));
    return;
  }
  if (filter) throw invalidValue(`${op} on a filtered members path is not supported; add or replace members with a list`);
  const ids = await memberIds(tx, value);
  state.members = op === 'replace' ? ids : [...new Set([...state.members, ...ids])];
}

// Removing someone who is not a member (any more) is not an error: identity providers retry removals.
function referencedIds(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter(isRecord).flatMap((m) => (typeof m.value === 'string' ? [m.value] : []));
}

async function applyAttribute(tx: Tx, state: GroupState, o: PatchOperation, attr: string, value: unknown): Promise<void> {
  if (attr === 'members') await applyMembersOp(tx, state, o.op, o.path?.filter, value);
  else if (attr === 'displayname') {
    if (o.op === 'remove') throw invalidValue('displayName is required and cannot be removed');
    state.displayName = toText(value, 'displayName', 200);
  } else if (attr === 'externalid') state.externalId = o.op === 'remove' ? null : toOptionalText(value, 'externalId');
  else if (attr !== 'id' && attr !== 'schemas' && attr !== 'meta') throw invalidValue(`"${attr}" is not an attribute of the Group schema`);
}

export async function patchGroup(tx: Tx, tenantId: string, id: string, operations: PatchOperation[], baseUrl: string, excludeMembers: boolean) {
  const group = await findGroup(tx, id);
  const before = await currentMembers(tx, id);
  const state: GroupState = { displayName: group.displayName, externalId: group.externalId, members: [...before] };
  for (const o of operations) {
    if (o.path) {
      await applyAttribute(tx, state, o, o.path.attr, o.value);
      continue;
    }
    if (o.op === 'remove') throw noTarget('A remove operation needs a path');
    if (!isRecord(o.value)) throw invalidValue(`An ${o.op} without a path needs an object of attributes as its value`);
    for (const [key, value] of Object.entries(o.value)) {
      await applyAttribute(tx, state, o, key.replace(/^urn:ietf:params:scim:schemas:core:2\.0:Group:/i, '').toLowerCase(), value);
    }
  }
  const result = await save(tx, tenantId, group, before, state, baseUrl);
  return excludeMembers ? { ...result, members: undefined } : result;
}

export async function deleteGroup(tx: Tx, id: string): Promise<void> {
  await findGroup(tx, id);
  const members = await currentMembers(tx, id);
  await tx.delete(scimGroups).where(eq(scimGroups.id, id));
  await syncRoles(tx, members);
}
