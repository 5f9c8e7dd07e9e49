import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn, tenantPolicy, timestamps } from './helpers';
import { integrationConnections } from './integrations';
import { tasks } from './tasks';
import { tenants } from './tenancy';

// What the admin chose for one Asana connection (lib/integrations/asana/setup.ts): the project to sync with, which
// Asana section each board column maps to, and the project webhook. `connection_id` is the framework's connection;
// reflex_asana_connection_tenant() resolves it to a tenant when a webhook delivery arrives.
export const asanaConnections = pgTable(
  'asana_connections',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .primaryKey()
      .references(() => integrationConnections.id, { onDelete: 'cascade' }),
    workspaceGid: text('workspace_gid'),
    workspaceName: text('workspace_name'),
    projectGid: text('project_gid'),
    projectName: text('project_name'),
    // board column id → Asana section gid.
    sectionMap: jsonb('section_map').$type<Record<string, string>>().notNull().default({}),
    // The column a task completed in Asana moves to (and whose tasks count as completed there).
    doneColumnId: uuid('done_column_id'),
    webhookGid: text('webhook_gid'),
    // Set while a POST /webhooks is in flight: the only window in which a handshake is accepted.
    webhookPendingSince: timestamp('webhook_pending_since', { withTimezone: true }),
    // The X-Hook-Secret from Asana's handshake, sealed like the connection's tokens (lib/integrations/crypto.ts).
    hookSecret: text('hook_secret'),
    lastEventAt: timestamp('last_event_at', { withTimezone: true }),
    // Backstop cursor: the newest Asana modified_at the cron has read.
    modifiedSince: timestamp('modified_since', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index('asana_connections_tenant_idx').on(t.tenantId), tenantPolicy('asana_connections')],
);

// One Reflex task ↔ one Asana task. `synced` holds the field values both sides agreed on at the last sync: a side
// whose value differs from it has changed that field since. `reflex_changed_at` holds, per field, when Reflex last
// changed it (for last-writer-wins against Asana's modified_at).
export const asanaTaskLinks = pgTable(
  'asana_task_links',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => asanaConnections.connectionId, { onDelete: 'cascade' }),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    asanaGid: text('asana_gid').notNull(),
    // Which side the task was first created on: disconnecting with "delete" removes the tasks Asana brought in.
    origin: text('origin').$type<'reflex' | 'asana'>().notNull().default('reflex'),
    asanaModifiedAt: timestamp('asana_modified_at', { withTimezone: true }),
    synced: jsonb('synced').$type<Record<string, unknown>>().notNull().default({}),
    reflexChangedAt: jsonb('reflex_changed_at').$type<Record<string, string>>().notNull().default({}),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('asana_task_links_task_uq').on(t.tenantId, t.connectionId, t.taskId),
    uniqueIndex('asana_task_links_gid_uq').on(t.tenantId, t.connectionId, t.asanaGid),
    tenantPolicy('asana_task_links'),
  ],
);

// Reflex → provider changes, written in the same transaction as the task change (lib/integrations/task-outbox.ts)
// and drained per connection by inngest/functions/integrations/push-asana-outbox.ts.
export const integrationOutbox = pgTable(
  'integration_outbox',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    connectionId: uuid('connection_id').notNull(),
    provider: text('provider').notNull(),
    // No foreign key: a delete's row outlives its task.
    taskId: uuid('task_id').notNull(),
    op: text('op').$type<'upsert' | 'delete'>().notNull(),
    // For a delete: the provider's id of the task, which is gone from our tables by then.
    externalId: text('external_id'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('integration_outbox_tenant_pending_idx').on(t.tenantId, t.connectionId, t.createdAt).where(sql`processed_at is null`),
    tenantPolicy('integration_outbox'),
  ],
);

// A task's field history where two sides disagreed: the value that lost under last-writer-wins, and who wrote it.
export const taskFieldChanges = pgTable(
  'task_field_changes',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    field: text('field').notNull(),
    source: text('source').notNull(),
    value: jsonb('value'),
    losingSource: text('losing_source').notNull(),
    losingValue: jsonb('losing_value'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('task_field_changes_tenant_task_idx').on(t.tenantId, t.taskId, t.createdAt), tenantPolicy('task_field_changes')],
);

// Asana sends no delivery id: a replayed delivery is recognised by the hash of its signed body.
export const asanaWebhookDeliveries = pgTable(
  'asana_webhook_deliveries',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => asanaConnections.connectionId, { onDelete: 'cascade' }),
    bodyHash: text('body_hash').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('asana_webhook_deliveries_uq').on(t.tenantId, t.connectionId, t.bodyHash), tenantPolicy('asana_webhook_deliveries')],
);
