import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { recordPlatformAction } from '@/lib/audit/events';
import { readArchive } from '@/lib/backup/archive';
import { listTables } from '@/lib/backup/catalog';
import { openPgliteTarget, openPostgresTarget, type OwnerDatabase } from '@/lib/backup/target';
import { queryRows } from '@/lib/db/sql';
import type { Database } from '@/lib/db/types';
import { putTenantBlob, tenantBlobKey, type BlobStore } from '@/lib/storage';
import { provisionTenant } from '@/lib/tenancy/provision';

export const KEY = randomBytes(32);

export function tempDir(label: string): string {
  return mkdtempSync(path.join(tmpdir(), `reflex-backup-${label}-`));
}

// A tenant with an owner, an API key, a few audit entries and two blobs: rows in most tenant tables.
export async function seedTenant(label: string): Promise<{ tenantId: string; blobKeys: string[] }> {
  const { tenant } = await provisionTenant({ name: `Backup ${label}`, ownerEmail: `${label}-${randomUUID().slice(0, 8)}@example.test`, plan: 'standard' });
  const facts = { requestId: randomUUID(), ip: '203.0.113.9', userAgent: 'backup-test', method: 'POST', route: '/test' };
  for (let i = 0; i < 3; i++) await recordPlatformAction({ tenantId: tenant.id, action: `backup.test.${i}`, facts, target: { type: 'tenant', id: tenant.id } });
  const blobKeys = [tenantBlobKey(tenant.id, `docs/${label}-a.bin`), tenantBlobKey(tenant.id, `docs/${label}-b.txt`)];
  await putTenantBlob(tenant.id, blobKeys[0] ?? '', randomBytes(2048), 'application/octet-stream');
  await putTenantBlob(tenant.id, blobKeys[1] ?? '', new TextEncoder().encode(`hello ${label}`), 'text/plain');
  return { tenantId: tenant.id, blobKeys };
}

export interface Scratch {
  /** For restoreBackup: opens it once, and keeps it open after the restore so the test can look. */
  open: () => Promise<OwnerDatabase>;
  db: () => Database;
  drop: () => Promise<void>;
}

// An empty database to restore into: a second in-memory PGlite, or a new database on the test server.
export function scratchDatabase(): Scratch {
  const adminUrl = inject('ownerDatabaseUrl');
  let handle: OwnerDatabase | undefined;
  let name: string | undefined;
  return {
    open: async () => {
      if (!adminUrl) handle ??= await openPgliteTarget('memory://');
      else if (!handle) {
        const { default: pg } = await import('pg');
        name = `reflex_restore_${randomBytes(4).toString('hex')}`;
        const admin = new pg.Client({ connectionString: adminUrl });
        await admin.connect();
        await admin.query(`create database ${name}`);
        await admin.end();
        const url = new URL(adminUrl);
        url.pathname = `/${name}`;
        handle = await openPostgresTarget(url.toString());
      }
      const opened = handle;
      return { ...opened, close: async () => {} };
    },
    db: () => {
      if (!handle) throw new Error('scratch database not opened');
      return handle.db;
    },
    drop: async () => {
      await handle?.close();
      if (adminUrl && name) {
        const { default: pg } = await import('pg');
        const admin = new pg.Client({ connectionString: adminUrl });
        await admin.connect();
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
  };
}

// Every table's rows as PostgreSQL prints them, sorted: what "equal" means for a restore.
export async function tableDump(db: Database, where?: { tenantId: string }): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of await listTables(db)) {
    if (where && t.name !== 'tenants' && !t.hasTenantId) continue;
    const filter = where ? sql`where ${sql.identifier(t.name === 'tenants' ? 'id' : 'tenant_id')} = ${where.tenantId}::uuid` : sql``;
    const rows = await queryRows<{ r: string }>(db, sql`select row_to_json(t)::text as r from ${sql.identifier(t.name)} t ${filter}`);
    out[t.name] = rows.map((r) => r.r).sort();
  }
  return out;
}

// The rows an archive holds, per table, sorted.
export async function archiveDump(file: string, key: Buffer): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  let table = '';
  for await (const r of readArchive(file, key)) {
    if (r.kind === 'T') {
      table = (r.value as { name: string }).name; // written by writeBackup
      out[table] = [];
    } else if (r.kind === 'R') out[table]?.push(r.text);
  }
  for (const rows of Object.values(out)) rows.sort();
  return out;
}

export async function blobContents(store: BlobStore, prefix = 'tenants/'): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of (await store.list(prefix)).sort()) out[key] = Buffer.from((await store.get(key)) ?? new Uint8Array()).toString('base64');
  return out;
}
