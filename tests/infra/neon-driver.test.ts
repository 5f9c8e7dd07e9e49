import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import { neonConfig } from '@neondatabase/serverless';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { openDatabase, type DbHandle } from '@/lib/db/client';
import { roles } from '@/lib/db/schema';
import { queryRows } from '@/lib/db/sql';
import { parseEnv } from '@/lib/env';
import { provision } from '../helpers/http';

// Vercel deployments talk to Neon through @neondatabase/serverless: the PostgreSQL protocol inside WebSocket
// messages. Neon's own WebSocket proxy is the only piece not run here; this file stands a minimal one in front of
// the test server (each binary message is written to the socket, each socket chunk sent back), so the Neon
// driver path of lib/db/client.ts (its Pool, and the one-round-trip BEGIN of lib/db/pool-transaction.ts through
// drizzle's NeonSession/NeonTransaction) runs against real PostgreSQL.
const appUrl = process.env.DATABASE_DRIVER === 'pg' ? process.env.DATABASE_URL : undefined;
if (!appUrl) console.log('[neon] driver suite skipped: it needs a real server (set TEST_DATABASE_URL)');

let proxy: WebSocketServer;
let handle: DbHandle;
let tenantId: string;

function startProxy(): Promise<WebSocketServer> {
  return new Promise((resolve) => {
    const server: WebSocketServer = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => resolve(server));
    server.on('connection', (socket: WebSocket, req: IncomingMessage) => {
      const address = new URL(req.url ?? '/', 'http://proxy').searchParams.get('address') ?? '';
      const [host, port] = address.split(':');
      const upstream = net.connect(Number(port), host ?? '127.0.0.1');
      upstream.on('data', (chunk) => socket.send(chunk));
      upstream.on('close', () => socket.close());
      upstream.on('error', () => socket.close());
      socket.on('message', (data: Buffer) => upstream.write(data));
      socket.on('close', () => upstream.end());
    });
  });
}

describe.skipIf(!appUrl)('the Neon serverless driver (through a local WebSocket proxy)', () => {
  beforeAll(async () => {
    proxy = await startProxy();
    const address = proxy.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    neonConfig.wsProxy = (host, pgPort) => `127.0.0.1:${port}/v2?address=${host}:${pgPort}`;
    neonConfig.useSecureWebSocket = false;
    // The test server trusts local connections: there is no password for the pipelined start-up to send.
    neonConfig.pipelineConnect = false;
    handle = await openDatabase(parseEnv({ ...process.env, DATABASE_URL: appUrl ?? '', DATABASE_DRIVER: 'neon' }));
    tenantId = (await provision('Neon Path')).tenantId;
  });

  afterAll(async () => {
    await handle?.close();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });

  it('opens the Neon pool, not node-postgres', () => {
    expect(handle.kind).toBe('neon');
  });

  it('sends the tenant settings with BEGIN, returns the preload rows, and nothing outlives the transaction', async () => {
    const settings = sql`select set_config('role', 'app_user', true), set_config('app.tenant_id', ${tenantId}, true)`;
    const preload = sql`select current_user as role, current_setting('app.tenant_id', true) as tenant, count(*)::int as roles from ${roles}`;
    const seen = await handle.transaction([settings, preload], async (tx, rows) => {
      const [inside] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from ${roles}`);
      return { rows, inside: inside?.n };
    });
    expect(seen.rows).toEqual([{ role: 'app_user', tenant: tenantId, roles: expect.any(Number) }]);
    expect(seen.inside).toBeGreaterThan(0);
    const [after] = await queryRows<{ role: string; tenant: string | null }>(
      handle.db,
      sql`select current_user as role, nullif(current_setting('app.tenant_id', true), '') as tenant`,
    );
    expect(after).toEqual({ role: expect.not.stringMatching(/^app_user$/), tenant: null });
  });

  it('rolls back a failing handler and keeps the connection usable', async () => {
    const name = `Neon doomed ${Date.now()}`;
    const settings = sql`select set_config('role', 'app_user', true), set_config('app.tenant_id', ${tenantId}, true)`;
    await expect(
      handle.transaction([settings], async (tx) => {
        await tx.insert(roles).values({ tenantId, key: `neon-doomed-${Date.now()}`, name, permissions: [] });
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    const left = await handle.transaction([settings], (tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from ${roles} where name = ${name}`));
    expect(left).toEqual([{ n: 0 }]);
  });
});
