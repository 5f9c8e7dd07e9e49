import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn, tenantPolicy } from './helpers';
import { tenants } from './tenancy';
import { user } from './auth';

// Which Reflex member a Slack user of the organization's workspace is (lib/integrations/slack/links.ts). Answers in
// Slack use that member's permissions; erasing the member erases the link.
export const slackUserLinks = pgTable(
  'slack_user_links',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull(),
    slackUserId: text('slack_user_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('slack_user_links_tenant_slack_user_uq').on(t.tenantId, t.teamId, t.slackUserId),
    index('slack_user_links_tenant_user_idx').on(t.tenantId, t.userId),
    tenantPolicy('slack_user_links'),
  ],
);

// Single-use, short-lived tokens behind the "link your account" message. Only a hash is kept.
export const slackLinkTokens = pgTable(
  'slack_link_tokens',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    teamId: text('team_id').notNull(),
    slackUserId: text('slack_user_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('slack_link_tokens_tenant_hash_uq').on(t.tenantId, t.tokenHash), tenantPolicy('slack_link_tokens')],
);

// What has been received or sent once and must never be processed twice: request signatures (replays), event ids
// (Slack's retries) and task notices. Rows older than a day are pruned as new ones arrive.
export const slackDeliveries = pgTable(
  'slack_deliveries',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['signature', 'event', 'notice'] }).notNull(),
    key: text('key').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.kind, t.key] }),
    index('slack_deliveries_tenant_received_idx').on(t.tenantId, t.receivedAt),
    tenantPolicy('slack_deliveries'),
  ],
);
