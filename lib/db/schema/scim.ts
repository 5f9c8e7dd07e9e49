import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn, tenantPolicy, timestamps } from './helpers';
import { memberships, roles, tenants } from './tenancy';
import { user } from './auth';

// Bearer tokens an identity provider uses to provision this organization (lib/scim/tokens.ts). Only a hash of
// the secret is kept; reflex_resolve_scim_token() finds the tenant of a hash before any tenant is known.
export const scimTokens = pgTable(
  'scim_tokens',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdBy: uuid('created_by').references(() => user.id, { onDelete: 'set null' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index('scim_tokens_tenant_created_idx').on(t.tenantId, t.createdAt), tenantPolicy('scim_tokens')],
);

// SCIM groups pushed by the identity provider. A group may be mapped to a role of the organization; a member's
// role then follows their groups (lib/scim/role-sync.ts).
export const scimGroups = pgTable(
  'scim_groups',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    displayName: text('display_name').notNull(),
    externalId: text('external_id'),
    roleId: uuid('role_id').references(() => roles.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('scim_groups_tenant_display_name_uq').on(t.tenantId, sql`lower(display_name)`),
    uniqueIndex('scim_groups_tenant_external_id_uq').on(t.tenantId, t.externalId).where(sql`external_id is not null`),
    tenantPolicy('scim_groups'),
  ],
);

export const scimGroupMembers = pgTable(
  'scim_group_members',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    groupId: uuid('group_id')
      .notNull()
      .references(() => scimGroups.id, { onDelete: 'cascade' }),
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.membershipId] }),
    index('scim_group_members_tenant_membership_idx').on(t.tenantId, t.membershipId),
    tenantPolicy('scim_group_members'),
  ],
);
