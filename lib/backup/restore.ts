import { sql } from 'drizzle-orm';
import { queryRows } from '@/lib/db/sql';
import type { Tx } from '@/lib/db/types';
import type { BlobStore } from '@/lib/storage';
import { readArchive } from './archive';
import { logger } from '@/lib/log';
import { expectedSchemaVersion, isSuperuser, listTables, readSchemaVersion, type TableInfo } from './catalog';
import { BLOB_PREFIX } from './create';
import { BackupError } from './errors';
import { blobHeaderSchema, sequenceRecordSchema, tableHeaderSchema, type Manifest } from './manifest';
import type { OwnerDatabase } from './target';
import { verifyArchive, verifyTenantAuditChain } from './verify';

const BATCH_ROWS = 500;
const BATCH_CHARS = 4_000_000;

export interface RestoreOptions {
  archivePath: string;
  key: Buffer;
  /** Opened (and migrated) only once the archive has verified: a bad archive leaves the target untouched. */
  openTarget: () => Promise<OwnerDatabase>;
  blobStore: BlobStore;
  /** Replace whatever the target holds (full restore only). */
  force?: boolean;
  /** Restore this one tenant into a live deployment, leaving every other tenant alone. */
  tenantId?: string;
}

export interface RestoreResult {
  manifest: Manifest;
  scope: 'full' | 'tenant';
  rows: number;
  blobs: number;
  auditChainsVerified: number;
  durationMs: number;
}

const ident = (name: string) => sql.identifier(name);

function checkSchema(manifest: Manifest): void {
  const expected = expectedSchemaVersion();
  if (manifest.schema.lastCreatedAt !== expected.lastCreatedAt || manifest.schema.migrations !== expected.migrations) {
    throw new BackupError(
      `schema version mismatch: the archive was taken at migration ${manifest.schema.migrations} (${new Date(manifest.schema.lastCreatedAt).toISOString()}), this build is at migration ${expected.migrations} (${new Date(expected.lastCreatedAt).toISOString()}). Restore with the release that took the backup, then upgrade.`,
    );
  }
}

async function countRows(tx: Tx, table: string, tenantId?: string): Promise<number> {
  const where = tenantId ? sql`where ${ident(table === 'tenants' ? 'id' : 'tenant_id')} = ${tenantId}::uuid` : sql``;
  const [row] = await queryRows<{ n: string | number }>(tx, sql`select count(*) as n from ${ident(table)} ${where}`);
  return Number(row?.n ?? 0);
}

async function nonEmptyTables(tx: Tx, tables: TableInfo[]): Promise<string[]> {
  const out: string[] = [];
  for (const t of tables) {
    const [row] = await queryRows<{ some: boolean }>(tx, sql`select exists (select 1 from ${ident(t.name)}) as some`);
    if (row?.some) out.push(t.name);
  }
  return out;
}

// Whether a row of the archive belongs to the restored scope (the tenant's row, and rows carrying its tenant_id).
function inScope(table: TableInfo, text: string, tenantId: string | undefined): boolean {
  if (!tenantId) return true;
  if (table.name !== 'tenants' && !table.hasTenantId) return false;
  const row = JSON.parse(text) as Record<string, unknown>; // row_to_json output: an object keyed by column
  return (table.name === 'tenants' ? row.id : row.tenant_id) === tenantId;
}

async function insertBatch(tx: Tx, table: TableInfo, rows: string[]): Promise<void> {
  if (rows.length === 0) return;
  const cols = sql.join(table.columns.map(ident), sql`, `);
  await tx.execute(
    sql`insert into ${ident(table.name)} (${cols}) overriding system value select ${cols} from json_populate_recordset(null::${ident(table.name)}, ${`[${rows.join(',')}]`}::json)`,
  );
}

// Walks every tenant's audit chain in the restored rows as the application would (role app_user, the tenant set), so
// RLS fences each walk to one tenant, and compares its head with the one recorded when the backup was taken.
async function verifyAuditChains(tx: Tx, manifest: Manifest, tenants: string[]): Promise<void> {
  const heads = new Map(manifest.auditHeads.map((h) => [h.tenantId, h]));
  // The load ran with row_security off; the walk needs the policies on.
  await tx.execute(sql`set local row_security = on`);
  for (const tenantId of tenants) {
    const result = await verifyTenantAuditChain(tx, tenantId);
    const expected = heads.get(tenantId);
    const brokenAtBackup = manifest.auditBroken.find((b) => b.tenantId === tenantId);
    if (brokenAtBackup) {
      if (result.ok) throw new BackupError(`tenant ${tenantId}: the audit chain was broken when the backup was taken but verifies after restore; nothing was restored`);
      logger.warn('restore: audit chain restored as it was at backup time, already broken', { tenantId, reason: brokenAtBackup.reason });
      continue;
    }
    if (!result.ok) throw new BackupError(`tenant ${tenantId}: the restored audit chain does not verify (${result.firstBreak?.reason ?? 'broken'}); nothing was restored`);
    if ((expected?.hash ?? null) !== (result.head?.hash ?? null)) throw new BackupError(`tenant ${tenantId}: the restored audit head differs from the manifest; nothing was restored`);
  }
}

/**
 * Restores an archive (lib/backup/create.ts) into an empty database and blob store, or one tenant into a live one.
 *
 * 1. The whole archive is read and checked against its manifest (verifyArchive) and the schema version is compared
 *    with this build's, before the target is even opened.
 * 2. One transaction loads the rows in dependency order (lib/backup/catalog.ts); a full restore as a superuser
 *    also sets session_replication_role=replica (foreign keys and triggers off, as pg_restore does). Rows go in through
 *    json_populate_recordset from PostgreSQL's own JSON text, so every value (audit hashes included) is stored
 *    byte for byte; generated columns are recomputed. Sequences are set to their backed-up values.
 * 3. Still inside it: row counts against the manifest and every restored tenant's audit chain, then blobs are
 *    written. Any failure rolls the rows back and deletes the blobs written so far.
 *
 * Single tenant (tenantId): its tenants row, every row carrying its tenant_id and its blobs. Refused when the
 * tenant exists in the target: this is for "we deleted our project by mistake", and merging two versions of a
 * tenant's rows (and two audit chains) has no right answer. Rows of other tenants and global tables (users) are
 * never written; a restored membership of a user who has since deleted their account fails the restore (FK).
 */
export async function restoreBackup(opts: RestoreOptions): Promise<RestoreResult> {
  const started = Date.now();
  const tenantId = opts.tenantId?.toLowerCase();
  const manifest = await verifyArchive(opts.archivePath, opts.key);
  checkSchema(manifest);
  if (tenantId && !manifest.tenants.includes(tenantId)) throw new BackupError(`tenant ${tenantId} is not in this backup (taken ${manifest.createdAt})`);
  if (tenantId && opts.force) throw new BackupError('--force cannot be combined with --tenant: a single-tenant restore never replaces an existing tenant');
  const blobPrefix = tenantId ? `${BLOB_PREFIX}${tenantId}/` : BLOB_PREFIX;
  const target = await opts.openTarget();
  const written: string[] = [];
  try {
    const targetSchema = await readSchemaVersion(target.db);
    if (targetSchema?.lastCreatedAt !== manifest.schema.lastCreatedAt) throw new BackupError('schema version mismatch: the target database is at a different migration than the archive');
    const existingBlobs = await opts.blobStore.list(blobPrefix);
    let rows = 0;
    let blobs = 0;
    await target.db.transaction(async (tx) => {
      const tables = await listTables(tx);
      const byName = new Map(tables.map((t) => [t.name, t]));
      if (tenantId) {
        if ((await countRows(tx, 'tenants', tenantId)) > 0) throw new BackupError(`tenant ${tenantId} exists in the target: a single-tenant restore only recreates a deleted tenant. Nothing was changed.`);
        if (existingBlobs.length) throw new BackupError(`the blob store already holds ${existingBlobs.length} blobs under ${blobPrefix}. Nothing was changed.`);
      } else if (!opts.force) {
        const busy = await nonEmptyTables(tx, tables);
        if (busy.length || existingBlobs.length) {
          throw new BackupError(`the target is not empty (${busy.length ? `tables ${busy.slice(0, 5).join(', ')}${busy.length > 5 ? ', …' : ''}` : ''}${busy.length && existingBlobs.length ? '; ' : ''}${existingBlobs.length ? `${existingBlobs.length} blobs` : ''}). Pass --force to replace everything in it. Nothing was changed.`);
        }
      }
      // Into a live deployment foreign keys stay on: a row naming a user who has since gone must fail, not dangle.
      if (!tenantId && (await isSuperuser(tx))) await tx.execute(sql`set local session_replication_role = replica`);
      // A role that RLS would filter must fail loudly, not restore a subset.
      await tx.execute(sql`set local row_security = off`);
      if (!tenantId && opts.force) {
        await tx.execute(sql`truncate ${sql.join(tables.map((t) => ident(t.name)), sql`, `)} restart identity cascade`);
        await opts.blobStore.deletePrefix(BLOB_PREFIX);
      }
      const inserted = new Map<string, number>();
      let table: TableInfo | undefined;
      let batch: string[] = [];
      let chars = 0;
      const flush = async () => {
        if (table) await insertBatch(tx, table, batch);
        batch = [];
        chars = 0;
      };
      for await (const record of readArchive(opts.archivePath, opts.key)) {
        if (record.kind === 'T') {
          await flush();
          const name = tableHeaderSchema.parse(record.value).name;
          table = byName.get(name);
          if (!table) throw new BackupError(`table ${name} of the archive does not exist in the target`);
          inserted.set(name, 0);
        } else if (record.kind === 'R' && table && inScope(table, record.text, tenantId)) {
          batch.push(record.text);
          chars += record.text.length;
          inserted.set(table.name, (inserted.get(table.name) ?? 0) + 1);
          if (batch.length >= BATCH_ROWS || chars >= BATCH_CHARS) await flush();
        } else if (record.kind === 'S' && !tenantId) {
          await flush();
          const s = sequenceRecordSchema.parse(record.value);
          await tx.execute(sql`select setval(${`"${s.name.replaceAll('"', '""')}"`}::regclass, ${s.value}::bigint, ${s.called})`);
        } else if (record.kind === 'B') {
          await flush();
          const header = blobHeaderSchema.parse(record.value);
          if (!header.key.startsWith(blobPrefix)) continue;
          written.push(header.key);
          await opts.blobStore.put(header.key, record.data, 'application/octet-stream');
          blobs += 1;
        }
      }
      await flush();
      for (const [name, expected] of inserted) {
        const scoped = name === 'tenants' || Boolean(byName.get(name)?.hasTenantId);
        if (tenantId && !scoped) continue;
        const actual = await countRows(tx, name, tenantId);
        if (actual !== expected) throw new BackupError(`table ${name}: ${actual} rows after the restore, ${expected} expected; nothing was restored`);
        rows += expected;
      }
      await verifyAuditChains(tx, manifest, tenantId ? [tenantId] : manifest.tenants);
    });
    return { manifest, scope: tenantId ? 'tenant' : 'full', rows, blobs, auditChainsVerified: tenantId ? 1 : manifest.tenants.length, durationMs: Date.now() - started };
  } catch (err) {
    for (const key of written) await opts.blobStore.delete(key).catch(() => undefined);
    throw err;
  } finally {
    await target.close();
  }
}
