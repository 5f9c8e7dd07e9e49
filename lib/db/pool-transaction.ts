import { createTableRelationsHelpers, extractTablesRelationalConfig, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import type { Tx } from './types';

export interface PooledClient {
  query(text: string): Promise<QueryResult | QueryResult[]>;
  release(destroy?: boolean): void;
}

interface QueryResult {
  rows: unknown[];
}

export type RelationalSchema = { fullSchema: typeof schema } & ReturnType<typeof relationalTables>;

function relationalTables() {
  const config = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
  return { schema: config.tables, tableNamesMap: config.tableNamesMap };
}

/** Runs the setup statements in order, then fn with the rows of the last one. */
export type TransactionRunner = <T>(setup: readonly SQL[], fn: (tx: Tx, setupRows: unknown[]) => Promise<T>) => Promise<T>;

/**
 * Transactions on a server pool whose setup statements travel with BEGIN in one round trip.
 *
 * drizzle's db.transaction() sends BEGIN alone, then every statement after it waits for the one before. On a
 * loaded server each round trip costs a socket write and a wake-up on both sides (measured in
 * docs/performance.md), and on Neon each is a network hop, so the tenant transaction's role and settings go out
 * with BEGIN as one simple-protocol string, and so does the access check of the request (lib/http/route.ts).
 * The setup's parameters are inlined by drizzle's own escaping; they are uuids (checked by withTenant, or key ids
 * read from the database). After that, the transaction is drizzle's own (the driver's exported session and
 * transaction classes on the checked-out client), so savepoints and the query builder behave as with
 * db.transaction().
 */
export function createPoolTransactions<C extends PooledClient>(
  connect: () => Promise<C>,
  wrap: (client: C, dialect: PgDialect, relational: RelationalSchema) => Tx,
): TransactionRunner {
  const dialect = new PgDialect();
  const relational: RelationalSchema = { fullSchema: schema, ...relationalTables() };
  // Building a transaction object builds a query helper per table; a pooled client runs one transaction at a time,
  // so each client keeps its own.
  const txByClient = new WeakMap<C, Tx>();
  const txFor = (client: C): Tx => {
    const known = txByClient.get(client);
    if (known) return known;
    const made = wrap(client, dialect, relational);
    txByClient.set(client, made);
    return made;
  };
  return async (setup, fn) => {
    const statements = setup.map((q) => dialect.sqlToQuery(q.inlineParams()).sql);
    const client = await connect();
    let broken = false;
    try {
      const results = await client.query(['begin', ...statements].join(';\n'));
      const last = Array.isArray(results) ? results.at(-1) : results;
      const result = await fn(txFor(client), last?.rows ?? []);
      await client.query('commit');
      return result;
    } catch (err) {
      // A failed rollback means the connection is unusable: it is destroyed instead of going back to the pool.
      await client.query('rollback').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  };
}
