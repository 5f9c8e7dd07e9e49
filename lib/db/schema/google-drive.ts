import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn, tenantPolicy, timestamps } from './helpers';
import { integrationConnections } from './integrations';
import { tenants } from './tenancy';

export const DRIVE_SYNC_PHASES = ['idle', 'initial', 'changes'] as const;
export type DriveSyncPhase = (typeof DRIVE_SYNC_PHASES)[number];

export interface DriveFolderRef {
  id: string;
  name: string;
}

// Where an initial sync stands: folders still to list (subfolders are appended as they are found) and the page
// of the first one. Stored after every page, so a sync that dies resumes at the page it was on.
export interface DriveInitialCursor {
  folders: string[];
  pageToken: string | null;
}

// One row per Google Drive connection: what the admin picked, where the sync stands, and the push channel.
export const googleDriveStates = pgTable(
  'google_drive_states',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .primaryKey()
      .references(() => integrationConnections.id, { onDelete: 'cascade' }),
    folders: jsonb('folders').$type<DriveFolderRef[]>().notNull().default(sql`'[]'::jsonb`),
    // The picked folders and every subfolder found under them: a change to a file whose parent is not here is
    // outside what the organization shares with Reflex.
    knownFolderIds: text('known_folder_ids').array().notNull().default(sql`'{}'::text[]`),
    phase: text('phase', { enum: DRIVE_SYNC_PHASES }).notNull().default('idle'),
    initialCursor: jsonb('initial_cursor').$type<DriveInitialCursor>(),
    // Changes API page token: taken before the initial listing starts, so nothing changed during it is missed.
    changesPageToken: text('changes_page_token'),
    itemsDone: integer('items_done').notNull().default(0),
    itemsTotal: integer('items_total').notNull().default(0),
    itemsSkipped: integer('items_skipped').notNull().default(0),
    syncStartedAt: timestamp('sync_started_at', { withTimezone: true, mode: 'date' }),
    lastSyncAt: timestamp('last_sync_at', { withTimezone: true, mode: 'date' }),
    lastError: text('last_error'),
    channelId: text('channel_id'),
    // sha256 of the channel's secret token (X-Goog-Channel-Token); the token itself is only ever sent to Google.
    channelTokenHash: text('channel_token_hash'),
    channelResourceId: text('channel_resource_id'),
    channelExpiresAt: timestamp('channel_expires_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    check('google_drive_states_phase_check', sql`phase in ('idle', 'initial', 'changes')`),
    unique('google_drive_states_channel_uq').on(t.channelId),
    index('google_drive_states_tenant_idx').on(t.tenantId, t.connectionId),
    tenantPolicy('google_drive_states'),
  ],
);

// Drive file → Reflex document, unique per connection: a sync that restarts finds what it already ingested.
// document_id is null for a file that was skipped (skipped_reason says why).
export const googleDriveFiles = pgTable(
  'google_drive_files',
  {
    tenantId: tenantIdColumn().references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').primaryKey().defaultRandom(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => integrationConnections.id, { onDelete: 'cascade' }),
    fileId: text('file_id').notNull(),
    documentId: uuid('document_id'),
    name: text('name').notNull(),
    mimeType: text('mime_type').notNull(),
    // Drive's version / md5Checksum / modifiedTime as last ingested: any of them changing means new content.
    version: text('version'),
    md5Checksum: text('md5_checksum'),
    modifiedTime: text('modified_time'),
    skippedReason: text('skipped_reason'),
    ...timestamps,
  },
  (t) => [
    unique('google_drive_files_file_uq').on(t.tenantId, t.connectionId, t.fileId),
    index('google_drive_files_tenant_document_idx').on(t.tenantId, t.documentId),
    tenantPolicy('google_drive_files'),
  ],
);
