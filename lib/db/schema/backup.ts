import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const RESTORE_DRILL_STATUSES = ['passed', 'failed'] as const;

// Operator data, not tenant data (like platform_incidents): one row per restore drill (lib/backup/drill.ts), the
// measured RTO (restore duration) and RPO (backup age when the drill started). Holds no tenant names or ids.
export const restoreDrills = pgTable(
  'restore_drills',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }).notNull(),
    status: text('status', { enum: RESTORE_DRILL_STATUSES }).notNull(),
    backupName: text('backup_name'),
    backupCreatedAt: timestamp('backup_created_at', { withTimezone: true, mode: 'date' }),
    target: text('target').notNull(),
    restoreMs: integer('restore_ms'),
    backupAgeMs: bigint('backup_age_ms', { mode: 'number' }),
    rows: bigint('rows', { mode: 'number' }),
    blobs: integer('blobs'),
    detail: text('detail').notNull().default(''),
  },
  (t) => [
    check('restore_drills_status_check', sql`status in ('passed', 'failed')`),
    index('restore_drills_started_idx').on(t.startedAt),
  ],
);
