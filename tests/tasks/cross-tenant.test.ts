import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as columnsRoute from '@/app/api/v1/board/columns/route';
import * as eventsRoute from '@/app/api/v1/events/route';
import * as taskById from '@/app/api/v1/tasks/[id]/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import * as eventOps from '@/lib/api/events';
import * as taskOps from '@/lib/api/tasks';
import type { Operation } from '@/lib/http/operation';
import { call, provision, signIn, type Identity } from '../helpers/http';
import { addMember, type Member } from '../helpers/tenancy';
import { serveRoute, SseClient } from '../realtime/sse-client';

// Tenant B (its API key and its owner's browser session) goes after tenant A's tasks, columns and events through
// every route of this domain. B must not read, change or even detect them: an id of A answers exactly like an id
// that exists nowhere.

const PASSWORD = 'correct horse battery';

interface Tenant {
  id: string;
  key: Identity;
  session: { cookie: string; tenantId: string };
}

async function tenant(): Promise<Tenant> {
  const p = await provision();
  const { cookie } = await signIn(p.ownerEmail, PASSWORD);
  return { id: p.tenantId, key: { apiKey: p.apiKey }, session: { cookie, tenantId: p.tenantId } };
}

let a: Tenant;
let b: Tenant;
let aMember: Member;
const aRes = { taskId: '', columnId: '', version: 0 };
let server: { url: string; close: () => Promise<void> };

// The response minus what legitimately differs per request.
const shape = (r: { status: number; body: any }) => ({ status: r.status, code: r.body?.error?.code, message: r.body?.error?.message });

beforeAll(async () => {
  a = await tenant();
  b = await tenant();
  aMember = await addMember(a.key, a.id, 'member');
  const task = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'A secret', labels: ['alpha'], assigneeId: aMember.userId }, as: a.key });
  expect(task.status).toBe(201);
  aRes.taskId = task.body.id;
  aRes.version = task.body.version;
  aRes.columnId = task.body.columnId;
  await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'B own task' }, as: b.key });
  server = await serveRoute(eventsRoute.GET);
});

afterAll(async () => {
  await server.close();
});

describe.each(['API key', 'session'] as const)("B's %s", (name) => {
  const as = (): Identity => (name === 'API key' ? b.key : b.session);

  it("cannot read, change or delete A's task, and cannot tell it exists", async () => {
    for (const id of [aRes.taskId]) {
      const nowhere = randomUUID();
      const pairs = [
        [(x: string) => call(taskById.GET, { path: `/api/v1/tasks/${x}`, params: { id: x }, as: as() })],
        [(x: string) => call(taskById.PATCH, { method: 'PATCH', path: `/api/v1/tasks/${x}`, params: { id: x }, body: { version: aRes.version, title: 'pwned' }, as: as() })],
        [(x: string) => call(taskById.PATCH, { method: 'PATCH', path: `/api/v1/tasks/${x}`, params: { id: x }, body: { version: 99, status: 'done' }, as: as() })],
        [(x: string) => call(taskById.DELETE, { method: 'DELETE', path: `/api/v1/tasks/${x}`, params: { id: x }, as: as() })],
      ] as const;
      for (const [run] of pairs) {
        const theirs = await run(id);
        const none = await run(nowhere);
        expect(theirs.status).toBe(404);
        expect(shape(theirs)).toEqual(shape(none));
      }
    }
  });

  it("never lists A's tasks, whatever the filter", async () => {
    for (const qs of ['', '?label=alpha', `?assignee=${aMember.userId}`, '?status=todo', '?limit=100']) {
      const res = await call(tasksRoute.GET, { path: `/api/v1/tasks${qs}`, as: as() });
      expect(res.status).toBe(200);
      expect(res.body.items.map((t: { id: string }) => t.id)).not.toContain(aRes.taskId);
    }
    const theirs = await call(tasksRoute.GET, { path: `/api/v1/tasks?status=${aRes.columnId}`, as: as() });
    const none = await call(tasksRoute.GET, { path: `/api/v1/tasks?status=${randomUUID()}`, as: as() });
    expect(theirs.status).toBe(422);
    expect(shape(theirs).code).toEqual(shape(none).code);
  });

  it("cannot create into A's column or assign A's member", async () => {
    const intoColumn = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'x', status: aRes.columnId }, as: as() });
    const intoNowhere = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'x', status: randomUUID() }, as: as() });
    expect(intoColumn.status).toBe(422);
    expect(shape(intoColumn).code).toBe(shape(intoNowhere).code);
    const assignA = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'x', assigneeId: aMember.userId }, as: as() });
    const assignNobody = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'x', assigneeId: randomUUID() }, as: as() });
    expect(assignA.status).toBe(422);
    expect(shape(assignA)).toEqual(shape(assignNobody));
  });

  it("sees only its own board and cannot touch A's columns", async () => {
    const cols = await call(columnsRoute.GET, { path: '/api/v1/board/columns', as: as() });
    expect(cols.status).toBe(200);
    expect(cols.body.items.map((c: { id: string }) => c.id)).not.toContain(aRes.columnId);
    const own = cols.body.items.map((c: { id: string; name: string }) => ({ id: c.id, name: c.name }));
    const withTheirs = await call(columnsRoute.PUT, { method: 'PUT', path: '/api/v1/board/columns', body: { columns: [...own, { id: aRes.columnId, name: 'Mine now' }] }, as: as() });
    const withNowhere = await call(columnsRoute.PUT, { method: 'PUT', path: '/api/v1/board/columns', body: { columns: [...own, { id: randomUUID(), name: 'Mine now' }] }, as: as() });
    expect(withTheirs.status).toBe(404);
    expect(shape(withTheirs)).toEqual(shape(withNowhere));
  });

  it("cannot reach A's organization by naming it", async () => {
    if (!('cookie' in as())) return;
    const intoA = { cookie: b.session.cookie, tenantId: a.id };
    for (const res of [
      await call(tasksRoute.GET, { path: '/api/v1/tasks', as: intoA }),
      await call(taskById.GET, { path: `/api/v1/tasks/${aRes.taskId}`, params: { id: aRes.taskId }, as: intoA }),
      await call(columnsRoute.GET, { path: '/api/v1/board/columns', as: intoA }),
      await call(eventsRoute.GET, { path: '/api/v1/events', as: intoA }),
    ]) {
      expect(res.status).toBe(404);
    }
  });
});

describe('events', () => {
  it("B's stream never carries A's events, live or replayed from any id", async () => {
    const bStream = await SseClient.open(`${server.url}/api/v1/events`, { authorization: `Bearer ${(b.key as { apiKey: string }).apiKey}` });
    await bStream.waitFor((c) => c.events.some((e) => e.event === 'ready'));
    // A changes its task; B then changes its own, so B's stream has something to wait for.
    const moved = await call(taskById.PATCH, { method: 'PATCH', path: `/api/v1/tasks/${aRes.taskId}`, params: { id: aRes.taskId }, body: { version: aRes.version, status: 'done' }, as: a.key });
    expect(moved.status).toBe(200);
    aRes.version = moved.body.version;
    const marker = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'B marker' }, as: b.key });
    await bStream.waitFor((c) => c.events.some((e) => e.data?.includes(marker.body.id)));
    await bStream.close();
    const everything = bStream.events.map((e) => e.data ?? '').join('\n');
    expect(everything).not.toContain(aRes.taskId);
    expect(everything).not.toContain('A secret');

    const replay = await SseClient.open(`${server.url}/api/v1/events`, { authorization: `Bearer ${(b.key as { apiKey: string }).apiKey}`, 'last-event-id': '0' });
    await replay.waitFor((c) => c.events.some((e) => e.event === 'ready'));
    await replay.close();
    expect(replay.events.map((e) => e.data ?? '').join('\n')).not.toContain(aRes.taskId);
  });
});

describe("after every attempt, A's resources are untouched", () => {
  it('task and columns are as A left them', async () => {
    const task = await call(taskById.GET, { path: `/api/v1/tasks/${aRes.taskId}`, params: { id: aRes.taskId }, as: a.key });
    expect(task.body).toMatchObject({ title: 'A secret', status: 'done', version: aRes.version, assigneeId: aMember.userId });
    const cols = await call(columnsRoute.GET, { path: '/api/v1/board/columns', as: a.key });
    expect(cols.body.items.map((c: { name: string }) => c.name)).toEqual(['Backlog', 'To do', 'In progress', 'Done']);
  });
});

it('covers every operation of the tasks and events modules', () => {
  const ops = [taskOps, eventOps].flatMap((m) => Object.values(m).filter((v): v is Operation => typeof v === 'object' && v !== null && 'method' in v && 'path' in v));
  expect(ops.map((o) => o.id).sort()).toEqual(
    ['createTask', 'deleteTask', 'getTask', 'listBoardColumns', 'listTasks', 'replaceBoardColumns', 'streamEvents', 'updateTask'].sort(),
  );
});
