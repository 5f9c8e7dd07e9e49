import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as eventsRoute from '@/app/api/v1/events/route';
import * as memberById from '@/app/api/v1/members/[id]/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import * as taskById from '@/app/api/v1/tasks/[id]/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { withTenant } from '@/lib/db/tenant';
import { reauthorizerFor } from '@/lib/realtime/access';
import { getNotifier } from '@/lib/realtime/notifier';
import { publishEvent, pruneRealtimeEvents, RETAIN_EVENTS } from '@/lib/realtime/outbox';
import { createEventStream } from '@/lib/realtime/stream';
import { call, provision, type Identity } from '../helpers/http';
import { addMember, type Member } from '../helpers/tenancy';
import { serveRoute, SseClient } from './sse-client';

let server: { url: string; close: () => Promise<void> };
let tenantId: string;
let owner: Identity;
let ownerHeaders: Record<string, string>;
const open: SseClient[] = [];

async function connect(headers: Record<string, string>, query = ''): Promise<SseClient> {
  const client = await SseClient.open(`${server.url}/api/v1/events${query}`, headers);
  open.push(client);
  return client;
}

const readyOf = (c: SseClient) => c.events.filter((e) => e.event === 'ready');
const taskEvents = (c: SseClient) => c.events.filter((e) => e.event.startsWith('task.'));

async function createTask(title: string): Promise<{ id: string; version: number }> {
  const res = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title }, as: owner });
  expect(res.status).toBe(201);
  return res.body;
}

async function rename(task: { id: string; version: number }, title: string): Promise<{ id: string; version: number }> {
  const res = await call(taskById.PATCH, { method: 'PATCH', path: `/api/v1/tasks/${task.id}`, params: { id: task.id }, body: { version: task.version, title }, as: owner });
  expect(res.status).toBe(200);
  return res.body;
}

function headersOf(m: Member): Record<string, string> {
  return { cookie: m.as.cookie, 'x-tenant-id': m.as.tenantId };
}

beforeAll(async () => {
  const t = await provision();
  tenantId = t.tenantId;
  owner = { apiKey: t.apiKey };
  ownerHeaders = { authorization: `Bearer ${t.apiKey}` };
  server = await serveRoute(eventsRoute.GET);
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await server.close();
});

describe('GET /api/v1/events', () => {
  it('streams live events with ids, types and JSON data', async () => {
    const c = await connect(ownerHeaders);
    expect(c.status).toBe(200);
    await c.waitFor((x) => readyOf(x).length === 1);
    const task = await createTask('Live one');
    await c.waitFor((x) => taskEvents(x).length === 1);
    const [created] = taskEvents(c);
    expect(created?.event).toBe('task.created');
    expect(JSON.parse(created?.data ?? '{}')).toMatchObject({ task: { id: task.id, title: 'Live one', version: 1 } });
    expect(Number(created?.id)).toBe(Number(readyOf(c)[0]?.id) + 1);
    // Delivery is pushed by Postgres NOTIFY (in-process on PGlite, a LISTEN connection on a server), not polled.
    expect(getNotifier().mode).toBe('listen');
    await c.close();
  });

  it('replays everything missed after a disconnect, in order, exactly once, then continues live', async () => {
    const first = await connect(ownerHeaders);
    await first.waitFor((x) => readyOf(x).length === 1);
    let task = await createTask('Replay me');
    await first.waitFor((x) => taskEvents(x).length === 1);
    const resumeFrom = first.lastEventId;
    await first.close();

    for (let i = 1; i <= 5; i++) task = await rename(task, `Replay me v${i + 1}`);

    const second = await connect({ ...ownerHeaders, 'last-event-id': resumeFrom ?? '' });
    await second.waitFor((x) => readyOf(x).length === 1);
    const replayed = taskEvents(second);
    expect(replayed.map((e) => Number(e.id))).toEqual([1, 2, 3, 4, 5].map((i) => Number(resumeFrom) + i));
    expect(replayed.map((e) => JSON.parse(e.data ?? '{}').task.version)).toEqual([2, 3, 4, 5, 6]);
    expect(JSON.parse(readyOf(second)[0]?.data ?? '{}')).toEqual({ lastEventId: Number(resumeFrom) + 5, replayed: 5 });

    await rename(task, 'Live again');
    await second.waitFor((x) => taskEvents(x).length === 6);
    const ids = taskEvents(second).map((e) => Number(e.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    await second.close();
  });

  it('accepts ?lastEventId= for EventSource polyfills', async () => {
    const c = await connect(ownerHeaders);
    await c.waitFor((x) => readyOf(x).length === 1);
    const from = Number(c.lastEventId);
    await c.close();
    await createTask('Polyfill 1');
    await createTask('Polyfill 2');
    const resumed = await connect(ownerHeaders, `?lastEventId=${from}`);
    await resumed.waitFor((x) => readyOf(x).length === 1);
    expect(taskEvents(resumed).map((e) => [Number(e.id), JSON.parse(e.data ?? '{}').task.title])).toEqual([
      [from + 1, 'Polyfill 1'],
      [from + 2, 'Polyfill 2'],
    ]);
  });

  it('gives a member without tasks:read no task events, but the events they may see', async () => {
    const role = await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', body: { name: 'Docs only', permissions: ['documents:read'] }, as: owner });
    expect(role.status).toBe(201);
    const docsOnly = await addMember(owner, tenantId, role.body.id);
    const watcher = await connect(headersOf(docsOnly));
    expect(watcher.status).toBe(200);
    const ownerStream = await connect(ownerHeaders);
    await watcher.waitFor((x) => readyOf(x).length === 1);
    await ownerStream.waitFor((x) => readyOf(x).length === 1);

    await createTask('Secret task');
    await withTenant(tenantId, (tx) => publishEvent(tx, { type: 'document.status', payload: { id: 'd1', status: 'processed' }, permission: 'documents:read' }));
    await withTenant(tenantId, (tx) => publishEvent(tx, { type: 'usage.budget', payload: { percent: 80 }, permission: 'usage:read' }));
    await withTenant(tenantId, (tx) => publishEvent(tx, { type: 'test.everyone', payload: {}, permission: null }));

    await ownerStream.waitFor((x) => x.events.some((e) => e.event === 'test.everyone'));
    await watcher.waitFor((x) => x.events.some((e) => e.event === 'test.everyone'));
    expect(watcher.events.filter((e) => e.event !== 'ready').map((e) => e.event)).toEqual(['document.status', 'test.everyone']);
    expect(ownerStream.events.filter((e) => e.event !== 'ready').map((e) => e.event)).toEqual(['task.created', 'document.status', 'usage.budget', 'test.everyone']);
    // Hidden events still advance the watcher's Last-Event-ID, so a resume does not rescan them.
    expect(watcher.lastEventId).toBe(ownerStream.lastEventId);

    // The same holds on replay.
    const from = Number(readyOf(watcher)[0]?.id);
    const replay = await connect({ ...headersOf(docsOnly), 'last-event-id': String(from) });
    await replay.waitFor((x) => readyOf(x).length === 1);
    expect(replay.events.map((e) => e.event)).toEqual(['document.status', 'test.everyone', 'ready']);
  });

  it('sends reset when Last-Event-ID is beyond retention or unknown', async () => {
    const t = await provision();
    const headers = { authorization: `Bearer ${t.apiKey}` };
    for (let i = 0; i < 4; i++) await withTenant(t.tenantId, (tx) => publishEvent(tx, { type: 'test.ping', payload: { i }, permission: null }));
    await withTenant(t.tenantId, (tx) => pruneRealtimeEvents(tx, { upToSeq: RETAIN_EVENTS + 2 }));

    const expired = await connect({ ...headers, 'last-event-id': '1' });
    await expired.waitFor((x) => readyOf(x).length === 1);
    expect(expired.events.map((e) => [e.event, e.id])).toEqual([
      ['reset', '4'],
      ['ready', '4'],
    ]);
    expect(JSON.parse(expired.events[0]?.data ?? '{}')).toMatchObject({ reason: 'expired' });

    const inRange = await connect({ ...headers, 'last-event-id': '2' });
    await inRange.waitFor((x) => readyOf(x).length === 1);
    expect(inRange.events.map((e) => [e.event, e.id])).toEqual([
      ['test.ping', '3'],
      ['test.ping', '4'],
      ['ready', '4'],
    ]);

    for (const bad of ['99', 'abc']) {
      const c = await connect({ ...headers, 'last-event-id': bad });
      await c.waitFor((x) => readyOf(x).length === 1);
      expect(c.events.map((e) => e.event)).toEqual(['reset', 'ready']);
    }
  });

  it('still delivers an event whose notification never came (the polling path Neon relies on)', async () => {
    const c = await connect(ownerHeaders);
    await c.waitFor((x) => readyOf(x).length === 1);
    // Written like publishEvent does, minus pg_notify: only the feed's poll can find it.
    await withTenant(tenantId, (tx) =>
      tx.execute(sql`with s as (
        insert into realtime_sequences as r (tenant_id, last_seq) values (${tenantId}, 1)
        on conflict (tenant_id) do update set last_seq = r.last_seq + 1 returning tenant_id, last_seq)
        insert into realtime_events (tenant_id, seq, type, payload, permission)
        select tenant_id, last_seq, 'test.silent', '{}'::jsonb, null from s`),
    );
    await c.waitFor((x) => x.events.some((e) => e.event === 'test.silent'));
    await c.close();
  });

  it('refuses unauthenticated callers', async () => {
    const anonymous = await connect({});
    expect(anonymous.status).toBe(401);
  });
});

describe('stream lifecycle', () => {
  it('sends heartbeats while idle', async () => {
    const body = createEventStream({ tenantId, permissions: new Set(['tasks:read']), lastEventId: null, heartbeatMs: 20 });
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes(': keepalive')) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      text += decoder.decode(value);
    }
    await reader.cancel();
    expect(text).toMatch(/^retry: \d+\n/);
  });

  it('ends by itself before a platform time limit, and the client resumes from its Last-Event-ID', async () => {
    const body = createEventStream({ tenantId, permissions: new Set(['tasks:read']), lastEventId: null, maxDurationMs: 50 });
    const decoder = new TextDecoder();
    let text = '';
    const reader = body.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
    expect(text).toContain('event: ready');
  });

  it('ends when the caller loses access mid-stream', async () => {
    const member = await addMember(owner, tenantId, 'member');
    const headers = new Headers(headersOf(member));
    const body = createEventStream({
      tenantId,
      permissions: new Set(['tasks:read']),
      lastEventId: null,
      reauthorize: reauthorizerFor(headers, tenantId),
      reauthorizeMs: 20,
      heartbeatMs: 20,
    });
    const reader = body.getReader();
    await reader.read();
    const removed = await call(memberById.DELETE, { method: 'DELETE', path: `/api/v1/members/${member.membershipId}`, params: { id: member.membershipId }, as: owner });
    expect(removed.status).toBe(204);
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
  });
});
