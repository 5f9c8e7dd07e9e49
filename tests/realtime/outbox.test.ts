import { beforeAll, describe, expect, it } from 'vitest';
import * as taskById from '@/app/api/v1/tasks/[id]/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { withTenant } from '@/lib/db/tenant';
import { publishEvent, pruneRealtimeEvents, readEventsAfter, readStreamHead, RETAIN_DAYS, RETAIN_EVENTS } from '@/lib/realtime/outbox';
import { createTask, listTasks } from '@/lib/tasks/tasks';
import { call, provision } from '../helpers/http';

let a: { tenantId: string; apiKey: string };
let b: { tenantId: string; apiKey: string };

const eventsOf = (tenantId: string, after = 0) => withTenant(tenantId, (tx) => readEventsAfter(tx, after, 1000));

class Rollback extends Error {}

beforeAll(async () => {
  a = await provision();
  b = await provision();
});

describe('publishEvent', () => {
  it('numbers a tenant’s events 1, 2, 3… independently of other tenants', async () => {
    const t = await provision();
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) {
      seqs.push((await withTenant(t.tenantId, (tx) => publishEvent(tx, { type: 'test.ping', payload: { i }, permission: null }))).seq);
    }
    expect(seqs).toEqual([1, 2, 3]);
    const other = await provision();
    expect((await withTenant(other.tenantId, (tx) => publishEvent(tx, { type: 'test.ping', payload: {}, permission: null }))).seq).toBe(1);
    expect((await eventsOf(t.tenantId)).map((e) => [e.seq, e.type, e.payload])).toEqual([
      [1, 'test.ping', { i: 0 }],
      [2, 'test.ping', { i: 1 }],
      [3, 'test.ping', { i: 2 }],
    ]);
  });

  it('is atomic with the change: a rolled-back change emits nothing and consumes no seq', async () => {
    const t = await provision();
    await expect(
      withTenant(t.tenantId, async (tx) => {
        await createTask(tx, { tenantId: t.tenantId, userId: null }, { title: 'Never happened', description: '' });
        throw new Rollback('abort after the event was written');
      }),
    ).rejects.toBeInstanceOf(Rollback);
    expect(await eventsOf(t.tenantId)).toEqual([]);
    const tasks = await withTenant(t.tenantId, (tx) => listTasks(tx, { tenantId: t.tenantId, userId: null }, { limit: 10 }));
    expect(tasks.items).toEqual([]);

    const created = await withTenant(t.tenantId, (tx) => createTask(tx, { tenantId: t.tenantId, userId: null }, { title: 'Happened', description: '' }));
    const events = await eventsOf(t.tenantId);
    expect(events.map((e) => [e.seq, e.type, e.permission])).toEqual([[1, 'task.created', 'tasks:read']]);
    expect(events[0]?.payload).toMatchObject({ task: { id: created.id, title: 'Happened' } });
  });

  it('a failed API change (stale version) emits nothing; a successful one emits exactly one event', async () => {
    const created = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'API task' }, as: { apiKey: a.apiKey } });
    const id: string = created.body.id;
    const head = await withTenant(a.tenantId, readStreamHead);
    const stale = await call(taskById.PATCH, { method: 'PATCH', path: `/api/v1/tasks/${id}`, params: { id }, body: { version: 7, status: 'done', position: 0 }, as: { apiKey: a.apiKey } });
    expect(stale.status).toBe(409);
    expect(await eventsOf(a.tenantId, head.lastSeq)).toEqual([]);
    const moved = await call(taskById.PATCH, { method: 'PATCH', path: `/api/v1/tasks/${id}`, params: { id }, body: { version: 1, status: 'done' }, as: { apiKey: a.apiKey } });
    expect(moved.status).toBe(200);
    const after = await eventsOf(a.tenantId, head.lastSeq);
    expect(after.map((e) => [e.seq, e.type])).toEqual([[head.lastSeq + 1, 'task.moved']]);
    expect(after[0]?.payload).toMatchObject({ task: { id, status: 'done', version: 2 } });
  });

  it('keeps each tenant’s events to itself (RLS)', async () => {
    await withTenant(a.tenantId, (tx) => publishEvent(tx, { type: 'test.secret', payload: { of: 'a' }, permission: null }));
    const seenByB = await eventsOf(b.tenantId);
    expect(seenByB.some((e) => e.type === 'test.secret')).toBe(false);
    const headB = await withTenant(b.tenantId, readStreamHead);
    expect(headB).toEqual({ lastSeq: 0, minSeq: null });
  });

  it('rejects malformed event types and oversized payloads', async () => {
    await expect(withTenant(a.tenantId, (tx) => publishEvent(tx, { type: 'Bad Type', payload: {}, permission: null }))).rejects.toThrow(/invalid event type/);
    await expect(
      withTenant(a.tenantId, (tx) => publishEvent(tx, { type: 'test.big', payload: { blob: 'x'.repeat(70_000) }, permission: null })),
    ).rejects.toThrow(/64 KiB/);
  });
});

describe('retention', () => {
  it('prunes by count and by age, and reports the oldest retained seq', async () => {
    const t = await provision();
    for (let i = 0; i < 6; i++) await withTenant(t.tenantId, (tx) => publishEvent(tx, { type: 'test.ping', payload: { i }, permission: null }));
    // As if the tenant had published RETAIN_EVENTS + 3 events: seqs up to 3 fall out of the window.
    const byCount = await withTenant(t.tenantId, (tx) => pruneRealtimeEvents(tx, { upToSeq: RETAIN_EVENTS + 3 }));
    expect(byCount).toBe(3);
    expect(await withTenant(t.tenantId, readStreamHead)).toEqual({ lastSeq: 6, minSeq: 4 });
    const later = new Date(Date.now() + (RETAIN_DAYS + 1) * 86_400_000);
    const byAge = await withTenant(t.tenantId, (tx) => pruneRealtimeEvents(tx, { now: later }));
    expect(byAge).toBe(3);
    expect(await withTenant(t.tenantId, readStreamHead)).toEqual({ lastSeq: 6, minSeq: null });
    // The next event continues the sequence: ids never repeat.
    expect((await withTenant(t.tenantId, (tx) => publishEvent(tx, { type: 'test.ping', payload: {}, permission: null }))).seq).toBe(7);
  });
});
