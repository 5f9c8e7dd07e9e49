import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { verifyAuditChain } from '@/lib/audit/verify';
import type { Tx } from '@/lib/db/types';
import { readArchive } from './archive';
import { BackupError } from './errors';
import { blobHeaderSchema, manifestSchema, tableHeaderSchema, type Manifest } from './manifest';

const fail = (what: string) => new BackupError(`the archive does not match its manifest: ${what}; it was not restored`);

/**
 * Reads a whole archive and checks it against its own manifest before anything is restored: the GCM tag (wrong
 * key, any flipped or missing byte), the format, the rows per table and every blob's sha256. Returns the manifest.
 */
export async function verifyArchive(filePath: string, key: Buffer): Promise<Manifest> {
  const counts = new Map<string, number>();
  const blobs = new Map<string, string>();
  let table: string | undefined;
  let manifestValue: unknown;
  for await (const record of readArchive(filePath, key)) {
    if (manifestValue !== undefined) throw fail('records after the manifest');
    if (record.kind === 'T') {
      const header = tableHeaderSchema.safeParse(record.value);
      if (!header.success || counts.has(header.data.name)) throw fail('a malformed or repeated table header');
      table = header.data.name;
      counts.set(table, 0);
    } else if (record.kind === 'R') {
      if (table === undefined) throw fail('a row outside any table');
      counts.set(table, (counts.get(table) ?? 0) + 1);
    } else if (record.kind === 'B') {
      const header = blobHeaderSchema.safeParse(record.value);
      if (!header.success) throw fail('a malformed blob header');
      const digest = createHash('sha256').update(record.data).digest('hex');
      if (digest !== header.data.sha256 || record.data.byteLength !== header.data.size) throw fail(`blob ${header.data.key} has the wrong checksum`);
      blobs.set(header.data.key, digest);
    } else if (record.kind === 'M') {
      manifestValue = record.value;
    }
  }
  if (manifestValue === undefined) throw new BackupError(`${filePath}: the archive has no manifest (it is truncated); it was not restored`);
  const parsed = manifestSchema.safeParse(manifestValue);
  if (!parsed.success) throw fail(`unreadable manifest (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const manifest = parsed.data;
  const expectedTables = Object.entries(manifest.tables);
  if (expectedTables.length !== counts.size) throw fail(`${counts.size} tables in the archive, ${expectedTables.length} in the manifest`);
  for (const [name, rows] of expectedTables) {
    if (counts.get(name) !== rows) throw fail(`table ${name} has ${counts.get(name) ?? 0} rows, the manifest says ${rows}`);
  }
  if (manifest.blobs.length !== blobs.size) throw fail(`${blobs.size} blobs in the archive, ${manifest.blobs.length} in the manifest`);
  for (const b of manifest.blobs) if (blobs.get(b.key) !== b.sha256) throw fail(`blob ${b.key} differs from the manifest`);
  return manifest;
}

// Walks one tenant's audit chain as the application does (role app_user, that tenant set), so RLS fences the walk
// to it. The caller's transaction runs as the owner with row_security on.
export async function verifyTenantAuditChain(tx: Tx, tenantId: string): Promise<Awaited<ReturnType<typeof verifyAuditChain>>> {
  await tx.execute(sql`select set_config('role', 'app_user', true), set_config('app.tenant_id', ${tenantId}, true)`);
  const result = await verifyAuditChain(tx);
  await tx.execute(sql`reset role`);
  return result;
}
