import { sql } from 'drizzle-orm';
import { boolean, check, index, jsonb, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn, tenantPolicy, timestamps } from './helpers';
import { roles, tenants } from './tenancy';

export const SSO_PROTOCOLS = ['oidc', 'saml'] as const;
export const SSO_CONNECTION_STATUSES = ['active', 'disabled'] as const;

// An organization's identity providers. `config` is validated by lib/sso/connections.ts (per protocol); an OIDC
// client secret inside it is sealed with a key derived from the auth secret and never leaves the server.
export const ssoConnections = pgTable(
  'sso_connections',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    protocol: text('protocol', { enum: SSO_PROTOCOLS }).notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: SSO_CONNECTION_STATUSES }).notNull().default('active'),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    jitEnabled: boolean('jit_enabled').notNull().default(false),
    defaultRoleId: uuid('default_role_id').references(() => roles.id, { onDelete: 'set null' }),
    groupRoleMappings: jsonb('group_role_mappings').$type<{ group: string; roleId: string }[]>().notNull().default([]),
    ...timestamps,
  },
  (t) => [
    check('sso_connections_protocol_check', sql`protocol in ('oidc', 'saml')`),
    check('sso_connections_status_check', sql`status in ('active', 'disabled')`),
    index('sso_connections_tenant_created_idx').on(t.tenantId, t.createdAt),
    tenantPolicy('sso_connections'),
  ],
);

// Email domains an organization claims. A domain is proven by a DNS TXT record; once verified it belongs to one
// organization only (the partial unique index), which is what lets sign-in discover the organization by email.
export const ssoDomains = pgTable(
  'sso_domains',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    domain: text('domain').notNull(),
    verificationToken: text('verification_token').notNull(),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
    // Which connection people of this domain sign in with (null: the organization's first active one).
    connectionId: uuid('connection_id').references(() => ssoConnections.id, { onDelete: 'set null' }),
    enforceSso: boolean('enforce_sso').notNull().default(false),
    ...timestamps,
  },
  (t) => [
    unique('sso_domains_tenant_domain_uq').on(t.tenantId, t.domain),
    uniqueIndex('sso_domains_verified_domain_uq').on(t.domain).where(sql`verified_at is not null`),
    tenantPolicy('sso_domains'),
  ],
);

// One pending sign-in: created by /api/sso/start, consumed once by the callback. The public `state` is
// `<tenantId>.<random>`; only its hash is stored, and the browser that started holds a cookie whose hash must match.
export const ssoLoginStates = pgTable(
  'sso_login_states',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    stateHash: text('state_hash').notNull(),
    browserHash: text('browser_hash').notNull(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => ssoConnections.id, { onDelete: 'cascade' }),
    nonce: text('nonce'),
    // Sealed (lib/sso/crypto.ts): a copy of the database alone cannot finish someone's pending sign-in.
    codeVerifier: text('code_verifier'),
    samlRequestId: text('saml_request_id'),
    nextPath: text('next_path').notNull().default('/app'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('sso_login_states_tenant_state_uq').on(t.tenantId, t.stateHash),
    index('sso_login_states_tenant_expires_idx').on(t.tenantId, t.expiresAt),
    tenantPolicy('sso_login_states'),
  ],
);

// SAML assertion ids already accepted, until they would have expired anyway: a replayed response is refused.
export const ssoAssertionsSeen = pgTable(
  'sso_assertions_seen',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    assertionId: text('assertion_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'sso_assertions_seen_pk', columns: [t.tenantId, t.assertionId] }), tenantPolicy('sso_assertions_seen')],
);
