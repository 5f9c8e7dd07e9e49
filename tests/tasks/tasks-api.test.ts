import { beforeAll, describe, expect, it } from 'vitest';
import * as columnsRoute from '@/app/api/v1/board/columns/route';
import * as taskById from '@/app/api/v1/tasks/[id]/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { call, provision, signUp, uniqueEmail, type Identity } from '../helpers/http';
import { addMember, type Member } from '../helpers/tenancy';

let owner: Identity;
let tenantId: string;
let alice: Member;
let viewer: Member;
let outsiderId: string;

const create = (body: Record<string, unknown>, as: Identity = owner) => call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body, as });
const patch = (id: string, body: Record<string, unknown>, as: Identity = owner) =>
  call(taskById.PATCH, { method: 'PATCH', path: `/api/v1/tasks/${id}`, body, params: { id }, as });
const get = (id: string, as: Identity = owner) => call(taskById.GET, { path: `/api/v1/tasks/${id}`, params: { id }, as });
const list = (qs = '', as: Identity = owner) => call(tasksRoute.GET, { path: `/api/v1/tasks${qs}`, as });

async function columnTitles(status: string): Promise<string[]> {
  const res = await list(`?status=${status}&limit=100`);
  expect(res.status).toBe(200);
  return (res.body.items as { title: string; rank: string }[])
    .sort((x, y) => (x.rank < y.rank ? -1 : x.rank > y.rank ? 1 : 0))
    .map((t) => t.title);
}

beforeAll(async () => {
  const t = await provision();
  owner = { apiKey: t.apiKey };
  tenantId = t.tenantId;
  alice = await addMember(owner, tenantId, 'member', await signUp(uniqueEmail('alice'), 'correct horse battery', 'Alice Adams'));
  viewer = await addMember(owner, tenantId, 'viewer');
  outsiderId = (await signUp()).userId;
});

describe('board columns', () => {
  it('start as Backlog, To do, In progress, Done', async () => {
    const res = await call(columnsRoute.GET, { path: '/api/v1/board/columns', as: owner });
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: { key: string; name: string }) => [c.key, c.name])).toEqual([
      ['backlog', 'Backlog'],
      ['todo', 'To do'],
      ['in_progress', 'In progress'],
      ['done', 'Done'],
    ]);
  });

  it('can be renamed, added, reordered and deleted when empty; only with settings:manage', async () => {
    const before = (await call(columnsRoute.GET, { path: '/api/v1/board/columns', as: owner })).body.items as { id: string; key: string }[];
    const byKey = Object.fromEntries(before.map((c) => [c.key, c.id]));
    const desired = {
      columns: [
        { id: byKey.todo, name: 'Needs pre-field' },
        { name: 'Needs scheduling' },
        { id: byKey.backlog, name: 'Backlog' },
        { id: byKey.in_progress, name: 'Doing' },
        { id: byKey.done, name: 'Done' },
      ],
    };
    const denied = await call(columnsRoute.PUT, { method: 'PUT', path: '/api/v1/board/columns', body: desired, as: alice.as });
    expect(denied.status).toBe(403);
    const res = await call(columnsRoute.PUT, { method: 'PUT', path: '/api/v1/board/columns', body: desired, as: owner });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.map((c: { key: string; name: string }) => [c.key, c.name])).toEqual([
      ['todo', 'Needs pre-field'],
      ['needs_scheduling', 'Needs scheduling'],
      ['backlog', 'Backlog'],
      ['in_progress', 'Doing'],
      ['done', 'Done'],
    ]);

    const t = await create({ title: 'Sits in scheduling', status: 'needs_scheduling' });
    expect(t.status).toBe(201);
    const withoutScheduling = { columns: desired.columns.filter((c) => c.name !== 'Needs scheduling') };
    const refused = await call(columnsRoute.PUT, { method: 'PUT', path: '/api/v1/board/columns', body: withoutScheduling, as: owner });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.columns[0]).toMatchObject({ key: 'needs_scheduling', taskCount: 1 });

    await call(taskById.DELETE, { method: 'DELETE', path: `/api/v1/tasks/${t.body.id}`, params: { id: t.body.id }, as: owner });
    const removed = await call(columnsRoute.PUT, { method: 'PUT', path: '/api/v1/board/columns', body: withoutScheduling, as: owner });
    expect(removed.status).toBe(200);
    expect(removed.body.items.map((c: { key: string }) => c.key)).toEqual(['todo', 'backlog', 'in_progress', 'done']);
  });

  it('rejects changing an existing key, duplicate keys and an empty board', async () => {
    const cols = (await call(columnsRoute.GET, { path: '/api/v1/board/columns', as: owner })).body.items as { id: string; key: string; name: string }[];
    const keep = cols.map((c) => ({ id: c.id, name: c.name }));
    const first = cols[0];
    if (!first) throw new Error('no columns');
    const rekey = await call(columnsRoute.PUT, {
      method: 'PUT',
      path: '/api/v1/board/columns',
      body: { columns: [{ ...keep[0], key: 'other' }, ...keep.slice(1)] },
      as: owner,
    });
    expect(rekey.status).toBe(422);
    const dup = await call(columnsRoute.PUT, { method: 'PUT', path: '/api/v1/board/columns', body: { columns: [...keep, { name: 'X', key: first.key }] }, as: owner });
    expect(dup.status).toBe(422);
    const empty = await call(columnsRoute.PUT, { method: 'PUT', path: '/api/v1/board/columns', body: { columns: [] }, as: owner });
    expect(empty.status).toBe(422);
  });
});

describe('tasks', () => {
  it('create, read, update, delete', async () => {
    const created = await create({
      title: '  Call the supplier  ',
      description: 'About the delayed shipment',
      status: 'todo',
      assigneeId: alice.userId,
      dueDate: '2030-01-31',
      labels: ['supplier', 'Urgent', 'urgent'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      title: 'Call the supplier',
      status: 'todo',
      assigneeId: alice.userId,
      assignee: { id: alice.userId, name: 'Alice Adams' },
      dueDate: '2030-01-31',
      labels: ['supplier', 'Urgent'],
      source: null,
      version: 1,
    });
    const id: string = created.body.id;
    expect((await get(id)).body).toEqual(created.body);

    const updated = await patch(id, { version: 1, title: 'Call the supplier today', assigneeId: null, labels: [] });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ title: 'Call the supplier today', assigneeId: null, assignee: null, labels: [], version: 2 });

    const removed = await call(taskById.DELETE, { method: 'DELETE', path: `/api/v1/tasks/${id}`, params: { id }, as: owner });
    expect(removed.status).toBe(204);
    expect((await get(id)).status).toBe(404);
  });

  it('validates input', async () => {
    expect((await create({ title: '' })).status).toBe(422);
    expect((await create({ title: 'x'.repeat(501) })).status).toBe(422);
    expect((await create({ title: 'Bad status', status: 'nope' })).status).toBe(422);
    expect((await create({ title: 'Bad date', dueDate: '2030-02-30' })).status).toBe(422);
    expect((await create({ title: 'Extra', priority: 'high' })).status).toBe(422);
    const outsider = await create({ title: 'Not a member', assigneeId: outsiderId });
    expect(outsider.status).toBe(422);
    expect(outsider.body.error.message).toMatch(/not a member/);
    const t = await create({ title: 'Valid' });
    expect((await patch(t.body.id, { title: 'no version' })).status).toBe(422);
    expect((await patch(t.body.id, { version: 1 })).status).toBe(422);
    expect((await patch(t.body.id, { version: 1, assigneeId: outsiderId })).status).toBe(422);
    expect((await get('not-a-uuid')).status).toBe(400);
  });

  it('answers 409 with the current task on a stale version, and changes nothing', async () => {
    const t = await create({ title: 'Contended', status: 'todo' });
    const first = await patch(t.body.id, { version: 1, status: 'in_progress' });
    expect(first.status).toBe(200);
    const stale = await patch(t.body.id, { version: 1, status: 'done', title: 'Lost update' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('conflict');
    expect(stale.body.error.details.task).toMatchObject({ id: t.body.id, status: 'in_progress', title: 'Contended', version: 2 });
    expect((await get(t.body.id)).body).toMatchObject({ status: 'in_progress', title: 'Contended', version: 2 });
  });

  it('places tasks by position and moves them within and across columns', async () => {
    const col = 'backlog';
    for (const title of ['B1', 'B2', 'B3']) expect((await create({ title, status: col })).status).toBe(201);
    expect((await create({ title: 'B0', status: col, position: 0 })).status).toBe(201);
    const mid = await create({ title: 'B1.5', status: col, position: 2 });
    expect(await columnTitles(col)).toEqual(['B0', 'B1', 'B1.5', 'B2', 'B3']);

    const moved = await patch(mid.body.id, { version: 1, position: 0 });
    expect(moved.body.status).toBe(col);
    expect(await columnTitles(col)).toEqual(['B1.5', 'B0', 'B1', 'B2', 'B3']);
    const across = await patch(mid.body.id, { version: 2, status: 'done', position: 0 });
    expect(across.status).toBe(200);
    expect(await columnTitles(col)).toEqual(['B0', 'B1', 'B2', 'B3']);
    expect((await columnTitles('done'))[0]).toBe('B1.5');
    const toEnd = await patch(mid.body.id, { version: 3, status: col, position: 99 });
    expect(toEnd.status).toBe(200);
    expect(await columnTitles(col)).toEqual(['B0', 'B1', 'B2', 'B3', 'B1.5']);
  });

  it('lists with filters and a cursor', async () => {
    const label = `l-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await create({ title: `Filtered ${i}`, labels: [label], assigneeId: i % 2 === 0 ? alice.userId : null, status: 'in_progress' });
      ids.push(r.body.id);
    }
    const byLabel = await list(`?label=${label}&limit=2`);
    expect(byLabel.body.items.map((t: { id: string }) => t.id)).toEqual([ids[4], ids[3]]);
    const page2 = await list(`?label=${label}&limit=2&cursor=${byLabel.body.nextCursor}`);
    const page3 = await list(`?label=${label}&limit=2&cursor=${page2.body.nextCursor}`);
    expect([...page2.body.items, ...page3.body.items].map((t: { id: string }) => t.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(page3.body.nextCursor).toBeNull();

    const mine = await list(`?label=${label}&assignee=me`, alice.as);
    expect(mine.body.items.map((t: { id: string }) => t.id)).toEqual([ids[4], ids[2], ids[0]]);
    const none = await list(`?label=${label}&assignee=none`);
    expect(none.body.items.map((t: { id: string }) => t.id)).toEqual([ids[3], ids[1]]);
    const byUser = await list(`?label=${label}&assignee=${alice.userId}&status=in_progress`);
    expect(byUser.body.items).toHaveLength(3);
    expect((await list(`?label=${label}&status=done`)).body.items).toEqual([]);
    expect((await list('?status=nope')).status).toBe(422);
    expect((await list('?cursor=garbage')).status).toBe(400);
  });

  it('needs tasks:read to read and tasks:write to change', async () => {
    const t = await create({ title: 'Permissions' });
    expect((await list('', viewer.as)).status).toBe(200);
    expect((await get(t.body.id, viewer.as)).status).toBe(200);
    expect((await create({ title: 'Viewer task' }, viewer.as)).status).toBe(403);
    expect((await patch(t.body.id, { version: 1, title: 'Viewer edit' }, viewer.as)).status).toBe(403);
    const del = await call(taskById.DELETE, { method: 'DELETE', path: `/api/v1/tasks/${t.body.id}`, params: { id: t.body.id }, as: viewer.as });
    expect(del.status).toBe(403);
    expect((await patch(t.body.id, { version: 1, title: 'Member edit' }, alice.as)).status).toBe(200);
  });

  it('refuses a second task for the same document action item', async () => {
    const source = { documentId: '00000000-0000-4000-8000-000000000001', actionIndex: 0 };
    expect((await create({ title: 'From doc', source })).status).toBe(201);
    expect((await create({ title: 'From doc again', source })).status).toBe(409);
  });
});
