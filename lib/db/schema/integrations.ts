import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { user } from './auth';
import { tenantIdColumn, tenantPolicy, timestamps } from './helpers';
import { tenants } from './tenancy';

export const INTEGRATION_STATUSES = ['active', 'reauth_required', 'disconnected', 'error'] as const;

// One organization's install of a provider (a Slack workspace, a Google account, an Asana workspace), created by
// OAuth (lib/integrations/oauth.ts). Tokens are AES-256-GCM ciphertexts (lib/integrations/crypto.ts) that name the
// key that sealed them; token_key_id repeats it so the rotation job finds old-key rows by index. A disconnected
// connection keeps its row (history on the settings page) and loses its tokens.
export const integrationConnections = pgTable(
  'integration_connections',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    provider: text('provider').notNull(),
    status: text('status', { enum: INTEGRATION_STATUSES }).notNull().default('active'),
    externalAccountId: text('external_account_id').notNull(),
    externalAccountName: text('external_account_name').notNull(),
    accessTokenCiphertext: text('access_token_ciphertext'),
    refreshTokenCiphertext: text('refresh_token_ciphertext'),
    tokenKeyId: text('token_key_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    syncCursor: text('sync_cursor'),
    lastSyncAt: timestamp('last_sync_at', { withTimezone: true }),
    itemsSynced: integer('items_synced').notNull().default(0),
    lastError: text('last_error'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
    connectedBy: uuid('connected_by').references(() => user.id, { onDelete: 'set null' }),
    disconnectedAt: timestamp('disconnected_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('integration_connections_tenant_account_uq').on(t.tenantId, t.provider, t.externalAccountId),
    index('integration_connections_tenant_created_idx').on(t.tenantId, t.createdAt),
    // Webhooks name an account before any tenant is known (reflex_find_integration_connection).
    index('integration_connections_provider_account_idx').on(t.provider, t.externalAccountId),
    index('integration_connections_key_idx').on(t.tokenKeyId),
    check('integration_connections_status_ck', sql`status in ('active', 'reauth_required', 'disconnected', 'error')`),
    tenantPolicy('integration_connections'),
  ],
);

// A started OAuth authorization: single use (deleted when the callback reads it), bound to the organization (a
// tenant row), the person who started it and their browser (the state is also in an HttpOnly cookie), and short
// lived. The PKCE verifier is sealed like the tokens.
export const integrationOauthStates = pgTable(
  'integration_oauth_states',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    provider: text('provider').notNull(),
    stateHash: text('state_hash').notNull().unique(),
    userId: uuid('user_id').references(() => user.id, { onDelete: 'cascade' }),
    codeVerifierCiphertext: text('code_verifier_ciphertext'),
    redirectUri: text('redirect_uri').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('integration_oauth_states_tenant_expires_idx').on(t.tenantId, t.expiresAt), tenantPolicy('integration_oauth_states')],
);
