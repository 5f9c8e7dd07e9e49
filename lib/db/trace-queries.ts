import { withSpan } from '@/lib/tracing';

// A span around each database round trip, added at the driver (pg and Neon pool clients, PGlite and its
// transactions) so that every path is covered: drizzle queries, raw sql, the batched BEGIN of tenant
// transactions. The span names the statement's kind only; SQL text and parameters can hold tenant data.

const OPERATIONS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'WITH', 'BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'SET', 'RESET', 'CREATE', 'ALTER', 'DROP', 'LOCK', 'COPY']);

export function operationOf(statement: unknown): string {
  const text = typeof statement === 'string' ? statement : typeof statement === 'object' && statement !== null && 'text' in statement ? statement.text : '';
  const word = typeof text === 'string' ? (/^\s*([A-Za-z]+)/.exec(text)?.[1] ?? '').toUpperCase() : '';
  return OPERATIONS.has(word) ? word : 'OTHER';
}

function isCallbackStyle(args: readonly unknown[]): boolean {
  const first = args[0];
  return args.some((a) => typeof a === 'function') || (typeof first === 'object' && first !== null && 'submit' in first);
}

// Replaces target[method] (a promise-returning query function) with one that runs inside a db.query span.
// Callback-style and submittable calls (cursors, streams) pass through untouched.
export function traceQueryMethod(target: object, method: 'query' | 'exec'): void {
  const original: unknown = Reflect.get(target, method);
  if (typeof original !== 'function') return;
  Reflect.set(target, method, function traced(this: unknown, ...args: unknown[]): unknown {
    if (isCallbackStyle(args)) return Reflect.apply(original, this, args);
    const attributes = { 'db.system.name': 'postgresql', 'db.operation.name': operationOf(args[0]) };
    return withSpan('db.query', attributes, async () => {
      const result: unknown = await Reflect.apply(original, this, args);
      return result;
    });
  });
}

interface PgliteLike {
  transaction<T>(callback: (tx: object) => Promise<T>): Promise<T>;
}

// PGlite: its own query and exec, and those of every transaction object it hands out.
export function tracePgliteQueries(client: PgliteLike & object): void {
  traceQueryMethod(client, 'query');
  traceQueryMethod(client, 'exec');
  const transaction = client.transaction.bind(client);
  client.transaction = <T>(callback: (tx: object) => Promise<T>): Promise<T> =>
    transaction((tx) => {
      traceQueryMethod(tx, 'query');
      traceQueryMethod(tx, 'exec');
      return callback(tx);
    });
}
