import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql, type SQL } from 'drizzle-orm';
import { expect } from 'vitest';
import * as setupRoute from '@/app/api/integrations/asana/connections/[connectionId]/setup/route';
import * as webhookRoute from '@/app/api/integrations/asana/webhooks/[connectionId]/route';
import { resetEnvForTests } from '@/lib/env';
import type { AsanaFake } from '@/tests/fakes/asana-fake';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { call } from '../../helpers/http';
import { approveAtProvider, returnToCallback, startConnect, type Browser } from '../fake-provider';

// Reads through the app's own role in the tenant's transaction: on PostgreSQL the runner tests use a database of
// their own (isolateRunnerDatabase), which the owner connection of tests/helpers/db.ts does not point at.
export function tenantRows<T>(tenantId: string, query: SQL): Promise<T[]> {
  return withTenant(tenantId, (tx) => queryRows<T>(tx, query));
}

// Our webhook route behind a real HTTP listener, so the fake reaches it the way Asana reaches a deployment: by URL.
export async function startWebhookListener(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const connectionId = (req.url ?? '').split('/').pop() ?? '';
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      headers.set('x-reflex-peer-address', '10.0.0.9');
      const request = new Request(`http://127.0.0.1${req.url ?? '/'}`, { method: 'POST', headers, body: Buffer.concat(chunks) });
      webhookRoute
        .POST(request, { params: Promise.resolve({ connectionId }) })
        .then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo; // a TCP listener always has an AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export function pointAtFake(fake: AsanaFake, appUrl: string): void {
  process.env.ASANA_API_BASE = fake.url;
  process.env.ASANA_CLIENT_ID = fake.clientId;
  process.env.ASANA_CLIENT_SECRET = fake.clientSecret;
  process.env.APP_URL = appUrl;
  resetEnvForTests();
}

// Connects through the framework's real OAuth routes against the fake, then returns the new connection's id.
export async function connectAsana(as: Browser): Promise<string> {
  const started = await startConnect(as, 'asana');
  expect(started.status, JSON.stringify(started.body)).toBe(302);
  const back = await approveAtProvider(started.location ?? '');
  const done = await returnToCallback(as, back, started.stateCookie, 'asana');
  expect(done.error).toBeNull();
  const rows = await tenantRows<{ id: string }>(as.tenantId, sql`select id from integration_connections where provider = 'asana' order by created_at desc limit 1`);
  const id = rows[0]?.id;
  if (!id) throw new Error('no Asana connection was stored');
  return id;
}

export async function columnsOf(as: Browser, connectionId: string): Promise<{ id: string; name: string }[]> {
  const res = await call(setupRoute.GET, { path: `/api/integrations/asana/connections/${connectionId}/setup`, params: { connectionId }, as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.columns;
}

// Maps the default board (Backlog, To do, In progress, Done) onto the fake project's sections (To do, Doing, Done).
export async function chooseProject(as: Browser, fake: AsanaFake, connectionId: string) {
  const cols = await columnsOf(as, connectionId);
  const byName = (n: string) => cols.find((c) => c.name === n)?.id ?? '';
  const [todo, doing, done] = fake.sections;
  const sectionMap = { [byName('To do')]: todo?.gid ?? '', [byName('In progress')]: doing?.gid ?? '', [byName('Done')]: done?.gid ?? '' };
  const res = await call(setupRoute.PUT, {
    method: 'PUT',
    path: `/api/integrations/asana/connections/${connectionId}/setup`,
    params: { connectionId },
    body: { workspaceGid: fake.workspace.gid, projectGid: fake.project.gid, sectionMap, doneColumnId: byName('Done') },
    as,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { columns: { todo: byName('To do'), doing: byName('In progress'), done: byName('Done'), backlog: byName('Backlog') }, setup: res.body };
}
