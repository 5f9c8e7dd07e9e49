import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as taskRoute from '@/app/api/v1/tasks/[id]/route';
import * as disconnectRoute from '@/app/api/v1/integrations/[id]/disconnect/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { drainLocalRunner, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { syncAsanaConnection } from '@/inngest/functions/integrations/sync-asana-connection';
import { asanaSyncRequested } from '@/lib/events/integrations';
import { sendEvent } from '@/lib/events/send';
import { startAsanaFake, type AsanaFake } from '@/tests/fakes/asana-fake';
import { call, provision, signIn } from '../../helpers/http';
import { isolateRunnerDatabase } from '../../runner/harness';
import type { Browser } from '../fake-provider';
import { chooseProject, connectAsana, pointAtFake, startWebhookListener, tenantRows } from './harness';

// Two-way sync against the Asana fake, through the real routes, outbox, webhook endpoint and local runner.

let fake: AsanaFake;
let listener: Awaited<ReturnType<typeof startWebhookListener>>;
let release: () => Promise<void>;
let owner: Browser;
let connectionId: string;
let columns: { todo: string; doing: string; done: string; backlog: string };

async function settle(): Promise<void> {
  await drainLocalRunner(30_000);
}

async function getTask(id: string) {
  const res = await call(taskRoute.GET, { path: `/api/v1/tasks/${id}`, params: { id }, as: owner });
  expect(res.status).toBe(200);
  return res.body;
}

async function patchTask(id: string, body: Record<string, unknown>) {
  const current = await getTask(id);
  const res = await call(taskRoute.PATCH, { method: 'PATCH', path: `/api/v1/tasks/${id}`, params: { id }, body: { version: current.version, ...body }, as: owner });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function createTask(body: Record<string, unknown>) {
  const res = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body, as: owner });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const linkOf = async (taskId: string) =>
  (await tenantRows<{ asana_gid: string }>(owner.tenantId, sql`select asana_gid from asana_task_links where task_id = ${taskId}`))[0]?.asana_gid ?? null;

const historyOf = (taskId: string) =>
  tenantRows<{ field: string; source: string; value: unknown; losing_source: string; losing_value: unknown }>(owner.tenantId, sql`select field, source, value, losing_source, losing_value from task_field_changes where task_id = ${taskId} order by created_at`,
  );

// Writes we made to Asana's tasks (not reads): what an echo loop would show up as.
const taskWrites = () => fake.requests.filter((r) => (r.method !== 'GET' && r.path.startsWith('/api/1.0/tasks')) || r.path.includes('/addTask')).length;

beforeAll(async () => {
  release = await isolateRunnerDatabase();
  fake = await startAsanaFake();
  listener = await startWebhookListener();
  pointAtFake(fake, listener.url);
  const runner = await startLocalRunner({ functions: [syncAsanaConnection] });
  if (!runner) throw new Error('this test needs the local runner: unset INNGEST_EVENT_KEY and INNGEST_BASE_URL');
  const t = await provision();
  owner = { cookie: (await signIn(t.ownerEmail)).cookie, tenantId: t.tenantId };
  connectionId = await connectAsana(owner);
  const chosen = await chooseProject(owner, fake, connectionId);
  columns = chosen.columns;
  expect(chosen.setup.webhook.active).toBe(true);
});

afterAll(async () => {
  await drainLocalRunner().catch(() => undefined);
  await stopLocalRunner();
  await listener?.close();
  await fake?.close();
  await release?.();
});

describe('Reflex → Asana', () => {
  it('registers a project webhook whose handshake secret is stored sealed', async () => {
    expect(fake.webhooks).toHaveLength(1);
    expect(fake.webhooks[0]?.resource).toBe(fake.project.gid);
    expect(fake.webhooks[0]?.target).toBe(`${listener.url}/api/integrations/asana/webhooks/${connectionId}`);
    const [row] = await tenantRows<{ hook_secret: string }>(owner.tenantId, sql`select hook_secret from asana_connections where connection_id = ${connectionId}`);
    expect(row?.hook_secret).toBeTruthy();
    expect(row?.hook_secret).not.toContain(fake.webhooks[0]?.secret ?? 'never');
  });

  it('creates a task made in Reflex in the mapped section of the project', async () => {
    const task = await createTask({ title: 'Write the launch post', description: 'Draft by Friday', status: 'in_progress', dueDate: '2027-01-15' });
    await settle();
    const gid = await linkOf(task.id);
    expect(gid).not.toBeNull();
    const remote = fake.tasks.get(gid ?? '');
    expect(remote).toMatchObject({ name: 'Write the launch post', notes: 'Draft by Friday', due_on: '2027-01-15', projectGid: fake.project.gid, sectionGid: fake.sections[1]?.gid, completed: false });
  });

  it('does not take its own push back as a change (no echo loop)', async () => {
    const task = await createTask({ title: 'Echo check', status: 'todo' });
    await settle();
    const before = await getTask(task.id);
    const writes = taskWrites();
    const statuses = await fake.deliver();
    expect(statuses.every((s) => s === 200)).toBe(true);
    await settle();
    const after = await getTask(task.id);
    expect(after.version).toBe(before.version);
    expect(taskWrites()).toBe(writes);
    const pending = await tenantRows<{ n: number }>(owner.tenantId, sql`select count(*)::int as n from integration_outbox where connection_id = ${connectionId} and processed_at is null`);
    expect(pending[0]?.n).toBe(0);
  });

  it('pushes a move to another column as a section move, and Done as completed', async () => {
    const task = await createTask({ title: 'Ship it', status: 'todo' });
    await settle();
    await patchTask(task.id, { status: 'done' });
    await settle();
    const remote = fake.tasks.get((await linkOf(task.id)) ?? '');
    expect(remote?.sectionGid).toBe(fake.sections[2]?.gid);
    expect(remote?.completed).toBe(true);
  });

  it('deletes the Asana task when the Reflex task is deleted', async () => {
    const task = await createTask({ title: 'Short-lived', status: 'todo' });
    await settle();
    const gid = (await linkOf(task.id)) ?? '';
    expect(fake.tasks.has(gid)).toBe(true);
    const res = await call(taskRoute.DELETE, { method: 'DELETE', path: `/api/v1/tasks/${task.id}`, params: { id: task.id }, as: owner });
    expect(res.status).toBe(204);
    await settle();
    expect(fake.tasks.has(gid)).toBe(false);
  });
});

describe('Asana → Reflex', () => {
  it('applies a change made in Asana, without pushing it back', async () => {
    const task = await createTask({ title: 'Plan the offsite', status: 'todo' });
    await settle();
    await fake.deliver();
    await settle();
    const gid = (await linkOf(task.id)) ?? '';
    const writes = taskWrites();
    fake.editTask(gid, { name: 'Plan the offsite in March', notes: 'Lisbon?', sectionGid: fake.sections[1]?.gid ?? null });
    expect(await fake.deliver()).toEqual([200]);
    await settle();
    const after = await getTask(task.id);
    expect(after).toMatchObject({ title: 'Plan the offsite in March', description: 'Lisbon?', columnId: columns.doing });
    expect(taskWrites()).toBe(writes);
  });

  it('moves a task completed in Asana to the done column', async () => {
    const task = await createTask({ title: 'Book the venue', status: 'todo' });
    await settle();
    await fake.deliver();
    await settle();
    fake.editTask((await linkOf(task.id)) ?? '', { completed: true });
    await fake.deliver();
    await settle();
    expect((await getTask(task.id)).columnId).toBe(columns.done);
  });

  it('creates a Reflex task for a task added in Asana, in the column mapped to its section', async () => {
    const remote = fake.createTaskInAsana({ name: 'Order stickers', notes: 'Two colours', due_on: '2027-02-01', sectionGid: fake.sections[1]?.gid ?? null });
    await fake.deliver();
    await settle();
    const [link] = await tenantRows<{ task_id: string }>(owner.tenantId, sql`select task_id from asana_task_links where asana_gid = ${remote.gid}`);
    expect(link).toBeDefined();
    expect(await getTask(link?.task_id ?? '')).toMatchObject({ title: 'Order stickers', description: 'Two colours', dueDate: '2027-02-01', columnId: columns.doing });
  });

  it('refreshes an expired access token and carries on', async () => {
    const task = await createTask({ title: 'Token check', status: 'todo' });
    await settle();
    await fake.deliver();
    await settle();
    fake.expireAccessTokens();
    fake.editTask((await linkOf(task.id)) ?? '', { name: 'Token check (after refresh)' });
    await fake.deliver();
    await settle();
    expect((await getTask(task.id)).title).toBe('Token check (after refresh)');
  });
});

describe('concurrent edits', () => {
  it('resolves each field by last writer, and records the losing value in the task history', async () => {
    const task = await createTask({ title: 'Quarterly report', description: 'v1', status: 'todo' });
    await settle();
    await fake.deliver();
    await settle();
    const gid = (await linkOf(task.id)) ?? '';
    // Asana first (title and notes), then Reflex (title and due date): Reflex's title is later and wins; Asana's
    // notes and Reflex's due date have no rival.
    fake.editTask(gid, { name: 'Quarterly report (Asana)', notes: 'v2 from Asana' });
    await patchTask(task.id, { title: 'Quarterly report (Reflex)', dueDate: '2027-03-31' });
    await settle();
    await fake.deliver();
    await settle();
    expect(await getTask(task.id)).toMatchObject({ title: 'Quarterly report (Reflex)', description: 'v2 from Asana', dueDate: '2027-03-31' });
    expect(fake.tasks.get(gid)).toMatchObject({ name: 'Quarterly report (Reflex)', notes: 'v2 from Asana', due_on: '2027-03-31' });
    expect(await historyOf(task.id)).toEqual([
      { field: 'title', source: 'reflex', value: 'Quarterly report (Reflex)', losing_source: 'asana', losing_value: 'Quarterly report (Asana)' },
    ]);
  });

  it('lets a later Asana edit win over a Reflex edit still waiting on a rate limit (Retry-After honoured)', async () => {
    const task = await createTask({ title: 'Budget', status: 'todo' });
    await settle();
    await fake.deliver();
    await settle();
    const gid = (await linkOf(task.id)) ?? '';
    fake.rateLimitNext(1, 1);
    await patchTask(task.id, { title: 'Budget (Reflex)' });
    fake.editTask(gid, { name: 'Budget (Asana)' });
    await expect.poll(async () => (await getTask(task.id)).title, { timeout: 20_000, interval: 250 }).toBe('Budget (Asana)');
    await settle();
    expect(fake.tasks.get(gid)?.name).toBe('Budget (Asana)');
    expect(await historyOf(task.id)).toEqual([{ field: 'title', source: 'asana', value: 'Budget (Asana)', losing_source: 'reflex', losing_value: 'Budget (Reflex)' }]);
    expect(fake.requests.some((r) => r.path.startsWith('/api/1.0/tasks/') && r.method === 'GET')).toBe(true);
  });
});

describe('backstop and broken connections', () => {
  it('the backstop re-reads tasks modified in Asana when no webhook arrived', async () => {
    const task = await createTask({ title: 'Missed webhook', status: 'todo' });
    await settle();
    await fake.deliver();
    await settle();
    fake.editTask((await linkOf(task.id)) ?? '', { name: 'Missed webhook, caught up' });
    await sendEvent(asanaSyncRequested, { tenantId: owner.tenantId, connectionId, taskGids: [], backstop: true });
    await settle();
    expect((await getTask(task.id)).title).toBe('Missed webhook, caught up');
    expect(fake.requests.some((r) => r.method === 'GET' && r.path === '/api/1.0/tasks')).toBe(true);
  });

  it('stops, keeping the change queued, when the Asana grant was revoked', async () => {
    const task = await createTask({ title: 'Before revocation', status: 'todo' });
    await settle();
    fake.revokeEverything();
    await patchTask(task.id, { title: 'After revocation' });
    await settle();
    const [conn] = await tenantRows<{ status: string }>(owner.tenantId, sql`select status from integration_connections where id = ${connectionId}`);
    expect(conn?.status).toBe('reauth_required');
    const pending = await tenantRows<{ n: number }>(owner.tenantId, sql`select count(*)::int as n from integration_outbox where task_id = ${task.id} and processed_at is null`);
    expect(pending[0]?.n).toBe(1);
  });
});

describe('disconnecting', () => {
  it('with "delete", removes the tasks Asana brought in and keeps those made in Reflex', async () => {
    const fromAsana = await tenantRows<{ task_id: string }>(owner.tenantId, sql`select task_id from asana_task_links where origin = 'asana'`);
    const fromReflex = await tenantRows<{ task_id: string }>(owner.tenantId, sql`select task_id from asana_task_links where origin = 'reflex'`);
    expect(fromAsana.length).toBeGreaterThan(0);
    expect(fromReflex.length).toBeGreaterThan(0);
    const res = await call(disconnectRoute.POST, { method: 'POST', path: `/api/v1/integrations/${connectionId}/disconnect`, params: { id: connectionId }, body: { content: 'delete' }, as: owner });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ids = (rows: { task_id: string }[]) => rows.map((r) => r.task_id);
    const left = await tenantRows<{ id: string }>(owner.tenantId, sql`select id from tasks`);
    expect(left.map((t) => t.id)).toEqual(expect.arrayContaining(ids(fromReflex)));
    expect(left.map((t) => t.id).filter((id) => ids(fromAsana).includes(id))).toEqual([]);
    expect(await tenantRows(owner.tenantId, sql`select 1 from asana_connections`)).toEqual([]);
  });
});
