import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { MIGRATIONS_FOLDER } from '@/lib/db/migrate';
import { queryRows } from '@/lib/db/sql';
import type { Database, Tx } from '@/lib/db/types';

type Conn = Database | Tx;

export interface TableInfo {
  name: string;
  /** Columns a restore writes: generated columns are left out, PostgreSQL computes them again. */
  columns: string[];
  hasTenantId: boolean;
}

export interface SchemaVersion {
  migrations: number;
  /** The `when` of the newest applied migration in drizzle/meta/_journal.json (drizzle stores it as created_at). */
  lastCreatedAt: number;
}

// Every table of the public schema, read from the catalog so that a table added by a later migration is backed up
// without anyone touching this file, in an order where a table comes after every table it references (restore
// inserts in this order, so foreign keys hold even where they cannot be switched off). Self-references are ignored
// here; archive rows of such tables come parents first (see exportOrder).
export async function listTables(conn: Conn): Promise<TableInfo[]> {
  const cols = await queryRows<{ relname: string; attname: string; generated: boolean }>(
    conn,
    sql`select c.relname::text as relname, a.attname::text as attname, (a.attgenerated <> '') as generated
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
        order by c.relname, a.attnum`,
  );
  const fks = await queryRows<{ child: string; parent: string }>(
    conn,
    sql`select distinct c.relname::text as child, p.relname::text as parent
        from pg_constraint k
        join pg_class c on c.oid = k.conrelid
        join pg_class p on p.oid = k.confrelid
        join pg_namespace n on n.oid = c.relnamespace
        where k.contype = 'f' and n.nspname = 'public' and c.oid <> p.oid`,
  );
  const tables = new Map<string, TableInfo>();
  for (const c of cols) {
    const t = tables.get(c.relname) ?? { name: c.relname, columns: [], hasTenantId: false };
    if (!c.generated) t.columns.push(c.attname);
    if (c.attname === 'tenant_id') t.hasTenantId = true;
    tables.set(c.relname, t);
  }
  const parents = new Map<string, string[]>();
  for (const fk of fks) parents.set(fk.child, [...(parents.get(fk.child) ?? []), fk.parent]);
  const ordered: TableInfo[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    if (state.get(name) === 'done' || !tables.has(name)) return;
    // A cycle between different tables: break it here; such a restore relies on constraints being off (replica).
    if (state.get(name) === 'visiting') return;
    state.set(name, 'visiting');
    for (const p of parents.get(name) ?? []) visit(p);
    state.set(name, 'done');
    const table = tables.get(name);
    if (table) ordered.push(table);
  };
  for (const name of [...tables.keys()].sort()) visit(name);
  return ordered;
}

// Rows of a table that references itself (api_keys.parent_key_id) come with the referencing column null first, so
// a parent is inserted before its children when foreign keys stay on (one level, which is what the schema has).
export async function exportOrder(conn: Conn, table: string): Promise<string[]> {
  const rows = await queryRows<{ attname: string }>(
    conn,
    sql`select a.attname::text as attname
        from pg_constraint k
        join pg_class c on c.oid = k.conrelid
        join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attnum = any(k.conkey)
        where k.contype = 'f' and n.nspname = 'public' and c.relname = ${table} and k.confrelid = k.conrelid`,
  );
  return rows.map((r) => r.attname);
}

export async function listSequences(conn: Conn): Promise<string[]> {
  const rows = await queryRows<{ relname: string }>(
    conn,
    sql`select c.relname::text as relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'S' order by 1`,
  );
  return rows.map((r) => r.relname);
}

export async function readSchemaVersion(conn: Conn): Promise<SchemaVersion | null> {
  const exists = await queryRows<{ ok: boolean }>(conn, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as ok`);
  if (!exists[0]?.ok) return null;
  const rows = await queryRows<{ n: number | string; last: number | string | null }>(
    conn,
    sql`select count(*) as n, max(created_at) as last from drizzle.__drizzle_migrations`,
  );
  const row = rows[0];
  if (!row || row.last === null) return null;
  return { migrations: Number(row.n), lastCreatedAt: Number(row.last) };
}

// What this build's code expects: the newest entry of the migration journal.
export function expectedSchemaVersion(): SchemaVersion {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] }; // drizzle-kit's journal format
  const last = journal.entries.at(-1);
  if (!last) throw new Error('the migration journal is empty');
  return { migrations: journal.entries.length, lastCreatedAt: last.when };
}

export async function isSuperuser(conn: Conn): Promise<boolean> {
  const rows = await queryRows<{ su: string }>(conn, sql`select current_setting('is_superuser') as su`);
  return rows[0]?.su === 'on';
}
