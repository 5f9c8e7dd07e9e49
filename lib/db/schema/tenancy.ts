import { sql } from 'drizzle-orm';
import { boolean, check, index, jsonb, pgPolicy, pgTable, text, timestamp, unique, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { appUser, currentTenant, tenantIdColumn, tenantPolicy, timestamps } from './helpers';
import { user } from './auth';

export interface ScimName {
  givenName?: string;
  familyName?: string;
  formatted?: string;
  displayName?: string;
}

export const PLANS = ['standard', 'professional', 'enterprise'] as const;
export const TENANT_STATUSES = ['active', 'suspended'] as const;

// The tenant row itself is tenant data: its id is the tenant id.
export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    slug: text('slug').notNull().unique(),
    plan: text('plan', { enum: PLANS }).notNull().default('standard'),
    status: text('status', { enum: TENANT_STATUSES }).notNull().default('active'),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    ...timestamps,
  },
  () => [
    check('tenants_plan_check', sql`plan in ('standard', 'professional', 'enterprise')`),
    check('tenants_status_check', sql`status in ('active', 'suspended')`),
    pgPolicy('tenants_tenant_isolation', {
      for: 'all',
      to: appUser,
      using: sql`id = ${currentTenant}`,
      withCheck: sql`id = ${currentTenant}`,
    }),
  ],
);

export const roles = pgTable(
  'roles',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    permissions: text('permissions').array().notNull(),
    builtin: boolean('builtin').notNull().default(false),
    ...timestamps,
  },
  (t) => [unique('roles_tenant_key_uq').on(t.tenantId, t.key), tenantPolicy('roles')],
);

export const memberships = pgTable(
  'memberships',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'restrict' }),
    // Set by SCIM (`active: false`): the membership and its data stay, but the access check refuses it, so the
    // member's sessions and API keys stop working in this organization until it is cleared again.
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
    // The identity provider's view of this member (SCIM): its own id for them, and the userName and name parts it
    // sent. Stored per organization: the Reflex account (email, name) may belong to other organizations too.
    externalId: text('external_id'),
    scimUserName: text('scim_user_name'),
    scimName: jsonb('scim_name').$type<ScimName>(),
    ...timestamps,
  },
  (t) => [
    unique('memberships_tenant_user_uq').on(t.tenantId, t.userId),
    index('memberships_user_idx').on(t.userId),
    uniqueIndex('memberships_tenant_external_id_uq').on(t.tenantId, t.externalId).where(sql`external_id is not null`),
    uniqueIndex('memberships_tenant_scim_user_name_uq').on(t.tenantId, sql`lower(scim_user_name)`).where(sql`scim_user_name is not null`),
    tenantPolicy('memberships'),
  ],
);

export const invitations = pgTable(
  'invitations',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: uuid('invited_by').references(() => user.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: uuid('accepted_by').references(() => user.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index('invitations_tenant_created_idx').on(t.tenantId, t.createdAt), tenantPolicy('invitations')],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    scopes: text('scopes').array().notNull(),
    createdBy: uuid('created_by').references(() => user.id, { onDelete: 'set null' }),
    // The key that created this one, when a key did: it cannot outlive it (expiry capped, revocation cascades).
    parentKeyId: uuid('parent_key_id').references((): AnyPgColumn => apiKeys.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    index('api_keys_tenant_created_idx').on(t.tenantId, t.createdAt),
    index('api_keys_tenant_parent_idx').on(t.tenantId, t.parentKeyId),
    tenantPolicy('api_keys'),
  ],
);
