import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { ownerRows } from '../helpers/db';

export interface Trace {
  table: string;
  column: string;
  term: string;
  rows: number;
}

// Every column of every public table that can hold text, discovered from the catalog so later tables are covered.
async function textColumns(): Promise<{ table: string; column: string }[]> {
  const rows = await ownerRows<{ table_name: string; column_name: string }>(sql`
    select c.table_name, c.column_name
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      and c.data_type in ('text', 'character varying', 'character', 'jsonb', 'json', 'uuid', 'ARRAY')
    order by c.table_name, c.column_name`);
  return rows.map((r) => ({ table: r.table_name, column: r.column_name }));
}

/**
 * Rows anywhere in the database that mention one of the terms. `hashedOnly` terms (the person's id) are tolerated
 * in pseudonymized audit rows (erased_at set), where only hashed values are left.
 */
export async function findTraces(terms: string[], hashedOnly: string[]): Promise<Trace[]> {
  const found: Trace[] = [];
  for (const { table, column } of await textColumns()) {
    for (const term of terms) {
      const exempt = table === 'audit_log' && hashedOnly.includes(term) ? sql` and erased_at is null` : sql``;
      const [row] = await ownerRows<{ n: number }>(sql`
        select count(*)::int as n from ${sql.identifier(table)}
        where strpos(lower(${sql.identifier(column)}::text), lower(${term})) > 0${exempt}`);
      if (row && row.n > 0) found.push({ table, column, term, rows: row.n });
    }
  }
  return found;
}

export function findBlobTraces(dir: string, terms: string[]): string[] {
  const hits: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const haystack = `${file}\n${readFileSync(file).toString('utf8')}`.toLowerCase();
    if (terms.some((t) => haystack.includes(t.toLowerCase()))) hits.push(file);
  }
  return hits;
}

export function listBlobFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}
