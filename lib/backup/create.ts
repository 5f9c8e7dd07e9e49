import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import type { Database, DbKind } from '@/lib/db/types';
import { queryRows } from '@/lib/db/sql';
import type { BlobStore } from '@/lib/storage';
import { ArchiveWriter } from './archive';
import { exportOrder, listSequences, listTables, readSchemaVersion } from './catalog';
import { BackupError } from './errors';
import { ARCHIVE_FORMAT, type BlobHeader, type Manifest } from './manifest';
import { verifyTenantAuditChain } from './verify';

export const BLOB_PREFIX = 'tenants/';
const FETCH_ROWS = 500;

export interface BackupResult {
  manifest: Manifest;
  bytes: number;
  durationMs: number;
}

const ident = (name: string) => sql.identifier(name);

/**
 * One archive of the whole database and blob store, written to outPath (lib/backup/archive.ts has the format).
 *
 * The database part is a table-level snapshot export, the same on PGlite and PostgreSQL: every table is read in
 * ONE read-only REPEATABLE READ transaction, so the archive is a single consistent snapshot while the app keeps
 * writing (an audit log and its chain head, written together, are always exported together). Why not pg_dump:
 * it is not there on Vercel nor for PGlite, its output can only be restored with a matching psql/pg_restore, and
 * a per-tenant restore needs rows it can filter; the export also lets the manifest count every row it wrote.
 * Runs as the owner (or PGlite's superuser); row_security=off makes a role that would be filtered by RLS fail
 * loudly instead of silently backing up nothing.
 *
 * Blobs are copied after the snapshot: uploads store the blob before the row, so every blob a snapshot row names
 * already exists; one deleted in between is simply absent.
 */
export async function writeBackup(opts: { db: Database; kind: DbKind; blobStore: BlobStore; outPath: string; key: Buffer; now?: Date }): Promise<BackupResult> {
  const started = Date.now();
  const createdAt = (opts.now ?? new Date()).toISOString();
  const writer = new ArchiveWriter(opts.outPath, opts.key);
  try {
    const snapshot = await opts.db.transaction(async (tx) => {
      await tx.execute(sql`set transaction isolation level repeatable read, read only`);
      await tx.execute(sql`set local row_security = off`);
      const schema = await readSchemaVersion(tx);
      if (!schema) throw new BackupError('the database has no migration history: nothing to back up (run npm run db:migrate first)');
      const tables: Record<string, number> = {};
      for (const table of await listTables(tx)) {
        await writer.write('T', JSON.stringify({ name: table.name, columns: table.columns }));
        const selfRefs = await exportOrder(tx, table.name);
        const order = selfRefs.length ? sql.join(selfRefs.map((c) => sql`${ident(c)} is not null`), sql`, `) : sql`1`;
        await tx.execute(sql`declare backup_rows no scroll cursor for select row_to_json(t)::text as r from ${ident(table.name)} t order by ${order}`);
        let count = 0;
        for (;;) {
          const batch = await queryRows<{ r: string }>(tx, sql`fetch ${sql.raw(String(FETCH_ROWS))} from backup_rows`);
          for (const row of batch) await writer.write('R', row.r);
          count += batch.length;
          if (batch.length < FETCH_ROWS) break;
        }
        await tx.execute(sql`close backup_rows`);
        tables[table.name] = count;
      }
      let sequences = 0;
      for (const name of await listSequences(tx)) {
        const [s] = await queryRows<{ value: string; called: boolean }>(tx, sql`select last_value::text as value, is_called as called from ${ident(name)}`);
        if (!s) continue;
        await writer.write('S', JSON.stringify({ name, value: s.value, called: s.called }));
        sequences += 1;
      }
      const tenants = await queryRows<{ id: string }>(tx, sql`select id::text as id from tenants order by id`);
      const heads = await queryRows<{ tenantId: string; seq: string | number; hash: string }>(
        tx,
        sql`select tenant_id::text as "tenantId", seq, hash from audit_heads order by tenant_id`,
      );
      // Each chain is walked inside the same snapshot.
      await tx.execute(sql`set local row_security = on`);
      const auditBroken: Manifest['auditBroken'] = [];
      for (const t of tenants) {
        const verified = await verifyTenantAuditChain(tx, t.id);
        if (!verified.ok) auditBroken.push({ tenantId: t.id, reason: verified.firstBreak?.reason ?? 'broken' });
      }
      return {
        schema,
        tables,
        sequences,
        tenants: tenants.map((t) => t.id),
        auditHeads: heads.map((h) => ({ tenantId: h.tenantId, seq: Number(h.seq), hash: h.hash })),
        auditBroken,
      };
    });
    const blobs: BlobHeader[] = [];
    for (const key of (await opts.blobStore.list(BLOB_PREFIX)).sort()) {
      const data = await opts.blobStore.get(key);
      if (!data) continue;
      const header = { key, sha256: createHash('sha256').update(data).digest('hex'), size: data.byteLength };
      await writer.write('B', JSON.stringify(header));
      await writer.write('D', Buffer.from(data).toString('base64'));
      blobs.push(header);
    }
    const manifest: Manifest = { format: ARCHIVE_FORMAT, createdAt, database: opts.kind, ...snapshot, blobs };
    await writer.write('M', JSON.stringify(manifest));
    await writer.close();
    return { manifest, bytes: (await stat(opts.outPath)).size, durationMs: Date.now() - started };
  } catch (err) {
    await writer.close().catch(() => undefined);
    throw err;
  }
}
