import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as projectsRoute from '@/app/api/integrations/asana/connections/[connectionId]/projects/route';
import * as setupRoute from '@/app/api/integrations/asana/connections/[connectionId]/setup/route';
import * as workspacesRoute from '@/app/api/integrations/asana/connections/[connectionId]/workspaces/route';
import * as disconnectRoute from '@/app/api/v1/integrations/[id]/disconnect/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { drainLocalRunner, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { syncAsanaConnection } from '@/inngest/functions/integrations/sync-asana-connection';
import { startAsanaFake, type AsanaFake } from '@/tests/fakes/asana-fake';
import { call, provision, signIn } from '../../helpers/http';
import { isolateRunnerDatabase } from '../../runner/harness';
import type { Browser } from '../fake-provider';
import { resetEnvForTests } from '@/lib/env';
import { chooseProject, columnsOf, connectAsana, pointAtFake, startWebhookListener, tenantRows } from './harness';

// The webhook endpoint's defences (handshake window, signatures, replays, bad input) and tenant isolation, with two
// organizations syncing the same Asana project.

let fake: AsanaFake;
let listener: Awaited<ReturnType<typeof startWebhookListener>>;
let release: () => Promise<void>;
let ownerA: Browser;
let ownerB: Browser;
let connA: string;
let connB: string;

const hookOf = (connectionId: string) => {
  const hook = fake.webhooks.find((w) => w.target.endsWith(`/${connectionId}`));
  if (!hook) throw new Error('no webhook for this connection');
  return hook;
};

const eventsBody = (gid: string, action = 'changed') =>
  JSON.stringify({ events: [{ user: { gid: fake.user.gid, resource_type: 'user' }, created_at: new Date().toISOString(), action, resource: { gid, resource_type: 'task' } }] });

const tasksOf = async (as: Browser) => {
  const res = await call(tasksRoute.GET, { path: '/api/v1/tasks?limit=100', as });
  expect(res.status).toBe(200);
  return res.body.items as { id: string; title: string }[];
};

const deliveries = async (connectionId: string) =>
  (await tenantRows<{ n: number }>(ownerA.tenantId, sql`select count(*)::int as n from asana_webhook_deliveries where connection_id = ${connectionId}`))[0]?.n ?? 0;

beforeAll(async () => {
  release = await isolateRunnerDatabase();
  fake = await startAsanaFake();
  listener = await startWebhookListener();
  pointAtFake(fake, listener.url);
  await startLocalRunner({ functions: [syncAsanaConnection] });
  const a = await provision();
  const b = await provision();
  ownerA = { cookie: (await signIn(a.ownerEmail)).cookie, tenantId: a.tenantId };
  ownerB = { cookie: (await signIn(b.ownerEmail)).cookie, tenantId: b.tenantId };
  connA = await connectAsana(ownerA);
  connB = await connectAsana(ownerB);
  await chooseProject(ownerA, fake, connA);
  await chooseProject(ownerB, fake, connB);
});

afterAll(async () => {
  await drainLocalRunner().catch(() => undefined);
  await stopLocalRunner();
  await listener?.close();
  await fake?.close();
  await release?.();
});

describe('handshake', () => {
  it('echoed X-Hook-Secret on registration (each connection has its own secret)', () => {
    expect(hookOf(connA).secret).not.toBe(hookOf(connB).secret);
  });

  it('refuses a handshake outside registration: a stranger cannot replace the secret', async () => {
    const res = await fake.post(`${listener.url}/api/integrations/asana/webhooks/${connA}`, '', { 'X-Hook-Secret': 'f'.repeat(64) });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-hook-secret')).toBeNull();
    // The real secret still verifies.
    const body = eventsBody('1');
    expect((await fake.post(hookOf(connA).target, body, { 'X-Hook-Signature': fake.sign(hookOf(connA).secret, body) })).status).toBe(200);
  });
});

describe('deliveries', () => {
  it('accepts a signed delivery once; a replay of the same bytes is accepted and does nothing', async () => {
    const remote = fake.createTaskInAsana({ name: 'Replay me' });
    const body = eventsBody(remote.gid, 'added');
    const headers = { 'X-Hook-Signature': fake.sign(hookOf(connA).secret, body) };
    const before = await deliveries(connA);
    expect((await fake.post(hookOf(connA).target, body, headers)).status).toBe(200);
    expect((await fake.post(hookOf(connA).target, body, headers)).status).toBe(200);
    await drainLocalRunner();
    expect(await deliveries(connA)).toBe(before + 1);
    expect((await tasksOf(ownerA)).filter((t) => t.title === 'Replay me')).toHaveLength(1);
  });

  it('answers 401 to a forged signature and does nothing', async () => {
    const remote = fake.createTaskInAsana({ name: 'Forged' });
    const body = eventsBody(remote.gid, 'added');
    const before = await deliveries(connA);
    for (const signature of [fake.sign('not-the-secret', body), '', 'zz', fake.sign(hookOf(connA).secret, `${body} `)]) {
      const res = await fake.post(hookOf(connA).target, body, signature ? { 'X-Hook-Signature': signature } : {});
      expect(res.status).toBe(401);
    }
    await drainLocalRunner();
    expect(await deliveries(connA)).toBe(before);
    expect((await tasksOf(ownerA)).some((t) => t.title === 'Forged')).toBe(false);
  });

  it('answers 404 for an unknown connection, a malformed id, or a non-Asana path, storing nothing', async () => {
    const body = eventsBody('1');
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const res = await fake.post(`${listener.url}/api/integrations/asana/webhooks/${id}`, body, { 'X-Hook-Signature': fake.sign(hookOf(connA).secret, body) });
      expect(res.status).toBe(404);
    }
  });

  it('answers 400 to malformed payloads and 413 to oversized ones, even when signed', async () => {
    const secret = hookOf(connA).secret;
    for (const body of ['{not json', '{"events": "nope"}', JSON.stringify({ events: [{ action: 'changed' }] })]) {
      const res = await fake.post(hookOf(connA).target, body, { 'X-Hook-Signature': fake.sign(secret, body) });
      expect(res.status).toBe(400);
    }
    const huge = JSON.stringify({ events: [], pad: 'x'.repeat(1024 * 1024 + 10) });
    expect((await fake.post(hookOf(connA).target, huge, { 'X-Hook-Signature': fake.sign(secret, huge) })).status).toBe(413);
  });
});

describe('tenant isolation', () => {
  it("a delivery signed with org A's secret never reaches org B's endpoint", async () => {
    const remote = fake.createTaskInAsana({ name: 'Only for B?' });
    const body = eventsBody(remote.gid, 'added');
    const res = await fake.post(hookOf(connB).target, body, { 'X-Hook-Signature': fake.sign(hookOf(connA).secret, body) });
    expect(res.status).toBe(401);
    await drainLocalRunner();
    expect((await tasksOf(ownerB)).some((t) => t.title === 'Only for B?')).toBe(false);
  });

  it("org A's webhook naming a task linked in org B changes only A's side", async () => {
    const created = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'B private task', status: 'todo' }, as: ownerB });
    expect(created.status).toBe(201);
    await drainLocalRunner();
    const [link] = await tenantRows<{ asana_gid: string }>(ownerB.tenantId, sql`select asana_gid from asana_task_links where task_id = ${created.body.id}`);
    const gid = link?.asana_gid ?? '';
    fake.editTask(gid, { name: 'B private task, renamed' });
    const body = eventsBody(gid);
    expect((await fake.post(hookOf(connA).target, body, { 'X-Hook-Signature': fake.sign(hookOf(connA).secret, body) })).status).toBe(200);
    await drainLocalRunner();
    const bRows = await tenantRows<{ title: string; version: number }>(ownerB.tenantId, sql`select title, version from tasks where id = ${created.body.id}`);
    expect(bRows).toEqual([{ title: 'B private task', version: 1 }]);
    // A's connection sees the same Asana project, so A gets its own copy of the task: linked in A, never B's row.
    const bLinks = await tenantRows<{ task_id: string }>(ownerB.tenantId, sql`select task_id from asana_task_links where asana_gid = ${gid}`);
    const aLinks = await tenantRows<{ task_id: string }>(ownerA.tenantId, sql`select task_id from asana_task_links where asana_gid = ${gid}`);
    expect(bLinks).toEqual([{ task_id: created.body.id }]);
    expect(aLinks.map((l) => l.task_id)).not.toContain(created.body.id);
  });

  it("org B cannot read, change or list through org A's connection: 404 like an id that exists nowhere", async () => {
    for (const id of [connA, randomUUID()]) {
      const get = await call(setupRoute.GET, { path: `/api/integrations/asana/connections/${id}/setup`, params: { connectionId: id }, as: ownerB });
      expect(get.status).toBe(404);
      const put = await call(setupRoute.PUT, {
        method: 'PUT',
        path: `/api/integrations/asana/connections/${id}/setup`,
        params: { connectionId: id },
        body: { workspaceGid: fake.workspace.gid, projectGid: fake.project.gid, sectionMap: {}, doneColumnId: null },
        as: ownerB,
      });
      expect(put.status).toBe(404);
      const ws = await call(workspacesRoute.GET, { path: `/api/integrations/asana/connections/${id}/workspaces`, params: { connectionId: id }, as: ownerB });
      expect(ws.status).toBe(404);
      const pr = await call(projectsRoute.GET, { path: `/api/integrations/asana/connections/${id}/projects?workspace=${fake.workspace.gid}`, params: { connectionId: id }, as: ownerB });
      expect(pr.status).toBe(404);
      expect(get.body.error.message).toBe((await call(setupRoute.GET, { path: `/api/integrations/asana/connections/${randomUUID()}/setup`, params: { connectionId: randomUUID() }, as: ownerB })).body.error.message);
    }
    const [aSetup] = await tenantRows<{ project_gid: string }>(ownerA.tenantId, sql`select project_gid from asana_connections where connection_id = ${connA}`);
    expect(aSetup?.project_gid).toBe(fake.project.gid);
  });

  it('lists workspaces and projects for the connection owner, and refuses ids Asana does not know (422)', async () => {
    const ws = await call(workspacesRoute.GET, { path: `/api/integrations/asana/connections/${connA}/workspaces`, params: { connectionId: connA }, as: ownerA });
    expect(ws.body).toEqual({ items: [fake.workspace] });
    const bad = await call(setupRoute.PUT, {
      method: 'PUT',
      path: `/api/integrations/asana/connections/${connA}/setup`,
      params: { connectionId: connA },
      body: { workspaceGid: fake.workspace.gid, projectGid: '999', sectionMap: {}, doneColumnId: null },
      as: ownerA,
    });
    expect(bad.status).toBe(422);
  });
});

describe('registration and disconnect', () => {
  it('says so (422, Asana’s words) when Asana cannot reach the app, and the card shows the webhook as inactive', async () => {
    const c = await provision();
    const ownerC = { cookie: (await signIn(c.ownerEmail)).cookie, tenantId: c.tenantId };
    const connC = await connectAsana(ownerC);
    process.env.APP_URL = 'http://127.0.0.1:9';
    resetEnvForTests();
    try {
      const cols = await columnsOf(ownerC, connC);
      const res = await call(setupRoute.PUT, {
        method: 'PUT',
        path: `/api/integrations/asana/connections/${connC}/setup`,
        params: { connectionId: connC },
        body: { workspaceGid: fake.workspace.gid, projectGid: fake.project.gid, sectionMap: { [cols[0]?.id ?? '']: fake.sections[0]?.gid }, doneColumnId: null },
        as: ownerC,
      });
      expect(res.status).toBe(422);
      expect(res.body.error.message).toContain('handshake');
    } finally {
      process.env.APP_URL = listener.url;
      resetEnvForTests();
    }
    const after = await call(setupRoute.GET, { path: `/api/integrations/asana/connections/${connC}/setup`, params: { connectionId: connC }, as: ownerC });
    expect(after.body.webhook.active).toBe(false);
  });

  it('answers 410 (Asana then drops the webhook) once the connection is disconnected', async () => {
    const res = await call(disconnectRoute.POST, { method: 'POST', path: `/api/v1/integrations/${connA}/disconnect`, params: { id: connA }, body: { content: 'keep' }, as: ownerA });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = eventsBody('1');
    expect((await fake.post(hookOf(connA).target, body, { 'X-Hook-Signature': fake.sign(hookOf(connA).secret, body) })).status).toBe(410);
    expect((await fake.post(hookOf(connA).target, body, { 'X-Hook-Signature': fake.sign('forged', body) })).status).toBe(401);
  });
});
