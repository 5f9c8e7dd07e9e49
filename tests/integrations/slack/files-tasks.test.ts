import '../../documents/blob-dir';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as taskRoute from '@/app/api/v1/tasks/[id]/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { functions } from '@/inngest';
import { drainLocalRunner, listRuns, startLocalRunner, stopLocalRunner, waitForRun } from '@/inngest/local';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { UPLOAD_LIMITS } from '@/lib/documents/limits';
import { call, provision } from '../../helpers/http';
import { addMember } from '../../helpers/tenancy';
import { isolateRunnerDatabase } from '../../runner/harness';
import { startSlackFake, type SlackFake } from '../../fakes/slack-fake';
import { clearSlackEnv, configureSlack, eventCallback, installSlack, linkSlackUser, newSlackUserId, postEvent, postInteraction, useSlackEnv } from './helpers';

let release: () => Promise<void>;
let fake: SlackFake;
type Tenant = Awaited<ReturnType<typeof provision>>;

beforeAll(async () => {
  release = await isolateRunnerDatabase();
  fake = await startSlackFake();
  useSlackEnv(fake);
  await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50, functions });
});

afterAll(async () => {
  await drainLocalRunner(60_000);
  await stopLocalRunner();
  await fake.close();
  clearSlackEnv();
  await release();
});

beforeEach(() => {
  fake.calls.length = 0;
  fake.responses.length = 0;
});

async function finished(functionId: string, tenantId: string) {
  await drainLocalRunner(60_000);
  const runs = await listRuns({ functionId, eventData: { tenantId } });
  return Promise.all(runs.map((r) => waitForRun(r.id, 60_000)));
}

const documentRows = (tenantId: string) =>
  withTenant(tenantId, (tx) => queryRows<{ id: string; title: string; filename: string | null; created_by: string | null }>(tx, sql`select id, title, filename, created_by from documents order by created_at`));

const importStatus = (output: unknown) => z.object({ status: z.string() }).parse(output).status;

const NOTES = new TextEncoder().encode('Quarterly planning notes.\n\nWe agreed to ship the Slack connector in January.\n');

function shareFile(teamId: string, fileId: string, channel: string, user: string) {
  return postEvent(eventCallback(teamId, { type: 'file_shared', file_id: fileId, channel_id: channel, user_id: user, file: { id: fileId }, event_ts: '1700000000.1' }));
}

describe('files shared in synced channels', () => {
  it('become one document, downloaded with the bot token, however often they are announced', async () => {
    const t = await provision();
    const install = await installSlack(fake, t.tenantId);
    await configureSlack(install, { fileChannels: ['C0FILES'] });
    const sharer = newSlackUserId();
    await linkSlackUser(t.tenantId, install.teamId, sharer, t.owner.userId);
    fake.files.set('F0NOTES1', { id: 'F0NOTES1', name: 'planning-notes.txt', title: 'Planning notes', mimetype: 'text/plain', bytes: NOTES });
    expect((await shareFile(install.teamId, 'F0NOTES1', 'C0FILES', sharer)).status).toBe(200);
    // The same file also arrives as a message.channels event with the file attached.
    await postEvent(eventCallback(install.teamId, { type: 'message', subtype: 'file_share', channel: 'C0FILES', user: sharer, files: [{ id: 'F0NOTES1' }], ts: '1700000000.2' }));
    await finished('import-slack-file', t.tenantId);
    // And the same bytes again under another Slack file id: deduplicated by checksum.
    fake.files.set('F0NOTES2', { id: 'F0NOTES2', name: 'copy.txt', mimetype: 'text/plain', bytes: NOTES });
    await shareFile(install.teamId, 'F0NOTES2', 'C0FILES', sharer);
    const runs = await finished('import-slack-file', t.tenantId);
    expect(runs.map((r) => importStatus(r.output)).sort()).toEqual(['duplicate', 'imported']);
    const docs = await documentRows(t.tenantId);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ title: 'Planning notes', filename: 'planning-notes.txt', created_by: t.owner.userId });
    expect(fake.calls.filter((c) => c.method === 'files.info').every((c) => c.token === install.token)).toBe(true);
  });

  it('are ignored in channels the admin did not pick, and refused over the plan size limit', async () => {
    const t = await provision();
    const install = await installSlack(fake, t.tenantId);
    await configureSlack(install, { fileChannels: ['C0FILES'] });
    fake.files.set('F0ELSEWH', { id: 'F0ELSEWH', name: 'x.txt', mimetype: 'text/plain', bytes: new TextEncoder().encode('elsewhere') });
    await shareFile(install.teamId, 'F0ELSEWH', 'C0RANDOM', newSlackUserId());
    fake.files.set('F0HUGE01', { id: 'F0HUGE01', name: 'huge.txt', mimetype: 'text/plain', bytes: new Uint8Array(UPLOAD_LIMITS.standard + 1).fill(65) });
    await shareFile(install.teamId, 'F0HUGE01', 'C0FILES', newSlackUserId());
    const runs = await finished('import-slack-file', t.tenantId);
    expect(runs.map((r) => importStatus(r.output))).toEqual(['too_large']);
    expect(await documentRows(t.tenantId)).toEqual([]);
  });
});

async function createTask(t: Tenant, body: Record<string, unknown>) {
  const res = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body, as: { apiKey: t.apiKey } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('task notifications', () => {
  it('post new and assigned tasks to the chosen channel once, with a Mark done button', async () => {
    const t = await provision();
    const install = await installSlack(fake, t.tenantId);
    await configureSlack(install, { notifyChannel: 'C0TASKS' });
    const task = await createTask(t, { title: 'Renew the Northwind contract' });
    await finished('notify-slack-task', t.tenantId);
    const [created] = fake.postsTo('chat.postMessage');
    expect(created?.args.channel).toBe('C0TASKS');
    expect(String(created?.args.text)).toBe('New task: Renew the Northwind contract');
    expect(JSON.stringify(created?.args.blocks)).toContain(`"value":"${task.id}"`);

    const patch = (version: number) => call(taskRoute.PATCH, { method: 'PATCH', path: `/api/v1/tasks/${task.id}`, params: { id: task.id }, body: { version, assigneeId: t.owner.userId }, as: { apiKey: t.apiKey } });
    const assigned = await patch(task.version);
    expect(assigned.status).toBe(200);
    await finished('notify-slack-task', t.tenantId);
    expect(fake.postsTo('chat.postMessage').map((p) => String(p.args.text))).toEqual(['New task: Renew the Northwind contract', 'Task assigned: Renew the Northwind contract']);
  });

  it('post "due" when a task with a due date falls due', async () => {
    const t = await provision();
    const install = await installSlack(fake, t.tenantId);
    await configureSlack(install, { notifyChannel: 'C0TASKS' });
    await createTask(t, { title: 'File the report', dueDate: '2020-01-01' });
    await finished('notify-slack-task', t.tenantId);
    expect(fake.postsTo('chat.postMessage').map((p) => String(p.args.text))).toEqual(['New task: File the report', 'Task due today: File the report']);
  });

  it('"Mark done" moves the task to Done for a linked member with tasks:write, and refuses one without', async () => {
    const t = await provision();
    const install = await installSlack(fake, t.tenantId);
    const task = await createTask(t, { title: 'Ship it' });
    const viewer = await addMember({ apiKey: t.apiKey }, t.tenantId, 'viewer');
    const viewerSlack = newSlackUserId();
    const ownerSlack = newSlackUserId();
    await linkSlackUser(t.tenantId, install.teamId, viewerSlack, viewer.userId);
    await linkSlackUser(t.tenantId, install.teamId, ownerSlack, t.owner.userId);
    const press = (user: string, responseId: string, taskId = task.id) =>
      postInteraction({ type: 'block_actions', team: { id: install.teamId }, user: { id: user }, response_url: fake.responseUrl(responseId), actions: [{ action_id: 'reflex_task_done', value: taskId, type: 'button' }] });

    expect((await press(viewerSlack, 'viewer')).status).toBe(200);
    expect((await press(newSlackUserId(), 'stranger')).status).toBe(200);
    await finished('post-slack-reply', t.tenantId);
    const statusOf = async () => (await call(taskRoute.GET, { path: `/api/v1/tasks/${task.id}`, params: { id: task.id }, as: { apiKey: t.apiKey } })).body.status;
    expect(await statusOf()).toBe(task.status);
    expect(String(fake.responses.find((r) => r.path === '/response/viewer')?.body.text)).toContain('does not let you change tasks');
    expect(String(fake.responses.find((r) => r.path === '/response/stranger')?.body.text)).toContain('/app/integrations/slack/link?token=');

    expect((await press(ownerSlack, 'owner')).status).toBe(200);
    await finished('post-slack-reply', t.tenantId);
    expect(await statusOf()).toBe('done');
    expect(String(fake.responses.find((r) => r.path === '/response/owner')?.body.text)).toContain('was marked done');
  });

  it("a forged interaction changes nothing, and org A's workspace cannot mark org B's task done", async () => {
    const a = await provision();
    const b = await provision();
    const installA = await installSlack(fake, a.tenantId);
    const taskB = await createTask(b, { title: 'B secret task' });
    const slackUser = newSlackUserId();
    await linkSlackUser(a.tenantId, installA.teamId, slackUser, a.owner.userId);
    const payload = { type: 'block_actions', team: { id: installA.teamId }, user: { id: slackUser }, response_url: fake.responseUrl('cross'), actions: [{ action_id: 'reflex_task_done', value: taskB.id }] };
    expect((await postInteraction(payload, { secret: 'forged' })).status).toBe(401);
    expect((await postInteraction(payload)).status).toBe(200);
    await finished('post-slack-reply', a.tenantId);
    const b1 = await call(taskRoute.GET, { path: `/api/v1/tasks/${taskB.id}`, params: { id: taskB.id }, as: { apiKey: b.apiKey } });
    expect(b1.body.status).toBe(taskB.status);
    expect(b1.body.version).toBe(taskB.version);
    // Answered exactly as for a task that exists nowhere.
    expect(String(fake.responses.find((r) => r.path === '/response/cross')?.body.text)).toBe('That task no longer exists.');
  });
});
