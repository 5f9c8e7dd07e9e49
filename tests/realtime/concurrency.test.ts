import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as eventsRoute from '@/app/api/v1/events/route';
import * as taskById from '@/app/api/v1/tasks/[id]/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { call, provision, type Identity } from '../helpers/http';
import { serveRoute, SseClient } from './sse-client';

// Concurrent writers: on a server database they really run in parallel transactions (the embedded one
// serializes them), which is where commit order and lost updates could go wrong.

let owner: Identity;
let key: string;
let server: { url: string; close: () => Promise<void> };

const create = (title: string, status = 'todo') => call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title, status }, as: owner });

beforeAll(async () => {
  const t = await provision();
  key = t.apiKey;
  owner = { apiKey: key };
  server = await serveRoute(eventsRoute.GET);
});

afterAll(async () => {
  await server.close();
});

describe('concurrent writes', () => {
  it('exactly one of several PATCHes with the same version wins; the others get 409 with the winner', async () => {
    const t = await create('Contended');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call(taskById.PATCH, { method: 'PATCH', path: `/api/v1/tasks/${t.body.id}`, params: { id: t.body.id }, body: { version: 1, title: `Writer ${i}` }, as: owner }),
      ),
    );
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(7);
    for (const lost of results.filter((r) => r.status === 409)) expect(lost.body.error.details.task.version).toBe(2);
    const final = await call(taskById.GET, { path: `/api/v1/tasks/${t.body.id}`, params: { id: t.body.id }, as: owner });
    expect(final.body).toMatchObject({ version: 2, title: winners[0]?.body.title });
  });

  it('parallel appends to one column get distinct, ordered ranks', async () => {
    const created = await Promise.all(Array.from({ length: 12 }, (_, i) => create(`Parallel ${i}`, 'backlog')));
    expect(created.every((r) => r.status === 201)).toBe(true);
    const ranks = created.map((r) => r.body.rank as string);
    expect(new Set(ranks).size).toBe(ranks.length);
  });

  it('a live stream receives every event of parallel writers exactly once, in seq order, without gaps', async () => {
    const client = await SseClient.open(`${server.url}/api/v1/events`, { authorization: `Bearer ${key}` });
    await client.waitFor((c) => c.events.some((e) => e.event === 'ready'));
    const start = Number(client.lastEventId);
    const writes = 30;
    const results = await Promise.all(Array.from({ length: writes }, (_, i) => create(`Burst ${i}`, i % 2 ? 'todo' : 'done')));
    expect(results.every((r) => r.status === 201)).toBe(true);
    await client.waitFor((c) => c.events.filter((e) => e.event === 'task.created').length === writes);
    await client.close();
    const ids = client.events.filter((e) => e.event === 'task.created').map((e) => Number(e.id));
    expect(ids).toEqual(Array.from({ length: writes }, (_, i) => start + i + 1));
    const titles = client.events.filter((e) => e.event === 'task.created').map((e) => JSON.parse(e.data ?? '{}').task.title);
    expect(new Set(titles)).toEqual(new Set(results.map((r) => r.body.title)));
  });
});
