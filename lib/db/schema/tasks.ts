import { sql } from 'drizzle-orm';
import { check, date, foreignKey, index, integer, pgTable, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { user } from './auth';
import { tenantIdColumn, tenantPolicy, timestamps } from './helpers';
import { tenants } from './tenancy';

// A tenant's kanban columns. `key` is the stable handle tasks and API clients use as "status"; `name` is what
// people see and may be renamed freely.
export const boardColumns = pgTable(
  'board_columns',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    ...timestamps,
  },
  (t) => [
    unique('board_columns_tenant_key_uq').on(t.tenantId, t.key),
    // Target of the tasks' composite foreign key, so a task can never point at another tenant's column.
    unique('board_columns_tenant_id_uq').on(t.tenantId, t.id),
    index('board_columns_tenant_position_idx').on(t.tenantId, t.position),
    tenantPolicy('board_columns'),
  ],
);

export const tasks = pgTable(
  'tasks',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    columnId: uuid('column_id').notNull(),
    // Fractional index (lib/tasks/rank.ts); compared byte-wise (collate "C") so every database orders it alike.
    rank: text('rank').notNull(),
    assigneeId: uuid('assignee_id').references(() => user.id, { onDelete: 'set null' }),
    dueDate: date('due_date', { mode: 'string' }),
    labels: text('labels').array().notNull().default(sql`'{}'::text[]`),
    // Provenance only: the task outlives its document, so there is deliberately no foreign key.
    sourceDocumentId: uuid('source_document_id'),
    actionIndex: integer('action_index'),
    // The sentence of the source document the task was found in, shown on the task as its provenance.
    sourceQuote: text('source_quote'),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => user.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [
    // NO ACTION, made DEFERRABLE INITIALLY DEFERRED by a custom migration: a non-empty column still cannot be
    // deleted (checked at commit), while a transaction may reshuffle columns freely. lib/tasks/columns.ts
    // refuses such deletes up front with a 409.
    foreignKey({
      name: 'tasks_column_fk',
      columns: [t.tenantId, t.columnId],
      foreignColumns: [boardColumns.tenantId, boardColumns.id],
    }).onDelete('no action'),
    // Reprocessing a document must never duplicate its tasks (lib/tasks/from-actions.ts relies on this).
    uniqueIndex('tasks_tenant_source_action_uq').on(t.tenantId, t.sourceDocumentId, t.actionIndex),
    index('tasks_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('tasks_tenant_column_rank_idx').on(t.tenantId, t.columnId, t.rank),
    index('tasks_tenant_assignee_idx').on(t.tenantId, t.assigneeId),
    check('tasks_source_pair_check', sql`(source_document_id is null) = (action_index is null)`),
    check('tasks_version_check', sql`version > 0`),
    check('tasks_title_check', sql`char_length(title) between 1 and 500`),
    check('tasks_source_quote_check', sql`source_quote is null or char_length(source_quote) between 1 and 1000`),
    tenantPolicy('tasks'),
  ],
);
