import type { SQL } from 'drizzle-orm';
import type { Database, Tx } from './types';

// Every driver we use answers execute() with { rows }, but the shared PgDatabase type leaves the result
// unknown; this is the one place that narrows it.
export async function queryRows<T>(db: Database | Tx, query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}
