import type { ScimName } from '@/lib/db/schema';
import { invalidValue } from './errors';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 200;

export interface ListParams {
  filter?: string;
  /** 1-based (RFC 7644 §3.4.2.4). */
  startIndex: number;
  count: number;
  excludeMembers: boolean;
}

function intParam(raw: string | null, name: string, fallback: number): number {
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d{1,9}$/.test(raw)) throw invalidValue(`${name} must be an integer`);
  return Number(raw);
}

// Out-of-range values are clamped, as the RFC asks (a startIndex below 1 means 1, a negative count means 0).
export function listParams(url: URL): ListParams {
  const startIndex = Math.max(1, intParam(url.searchParams.get('startIndex'), 'startIndex', 1));
  const count = Math.min(MAX_PAGE_SIZE, Math.max(0, intParam(url.searchParams.get('count'), 'count', DEFAULT_PAGE_SIZE)));
  const excluded = (url.searchParams.get('excludedAttributes') ?? '').toLowerCase().split(',').map((s) => s.trim());
  return { filter: url.searchParams.get('filter') ?? undefined, startIndex, count, excludeMembers: excluded.includes('members') };
}

export function listResponse<T>(resources: T[], totalResults: number, startIndex: number) {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
}

export interface UserRow {
  id: string;
  email: string;
  accountName: string;
  externalId: string | null;
  scimUserName: string | null;
  scimName: ScimName | null;
  deactivatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toScimUser(r: UserRow, groups: { id: string; displayName: string }[], baseUrl: string) {
  const name = r.scimName ?? {};
  const formatted = name.formatted ?? ([name.givenName, name.familyName].filter(Boolean).join(' ') || undefined);
  return {
    schemas: [USER_SCHEMA],
    id: r.id,
    ...(r.externalId ? { externalId: r.externalId } : {}),
    userName: r.scimUserName ?? r.email,
    name: { ...(name.givenName ? { givenName: name.givenName } : {}), ...(name.familyName ? { familyName: name.familyName } : {}), ...(formatted ? { formatted } : {}) },
    displayName: name.displayName ?? r.accountName,
    emails: [{ value: r.email, type: 'work', primary: true }],
    active: r.deactivatedAt === null,
    groups: groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${baseUrl}/Groups/${g.id}` })),
    meta: { resourceType: 'User', created: r.createdAt.toISOString(), lastModified: r.updatedAt.toISOString(), location: `${baseUrl}/Users/${r.id}` },
  };
}

export interface GroupRow {
  id: string;
  displayName: string;
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toScimGroup(r: GroupRow, members: { id: string; display: string }[] | null, baseUrl: string) {
  return {
    schemas: [GROUP_SCHEMA],
    id: r.id,
    ...(r.externalId ? { externalId: r.externalId } : {}),
    displayName: r.displayName,
    ...(members ? { members: members.map((m) => ({ value: m.id, display: m.display, $ref: `${baseUrl}/Users/${m.id}` })) } : {}),
    meta: { resourceType: 'Group', created: r.createdAt.toISOString(), lastModified: r.updatedAt.toISOString(), location: `${baseUrl}/Groups/${r.id}` },
  };
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
