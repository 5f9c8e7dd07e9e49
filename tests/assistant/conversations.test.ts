import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as askRoute from '@/app/api/v1/assistant/ask/route';
import * as byIdRoute from '@/app/api/v1/assistant/conversations/[id]/route';
import * as conversationsRoute from '@/app/api/v1/assistant/conversations/route';
import * as assistantOps from '@/lib/api/assistant';
import { contextualQuestion, isFollowUp } from '@/lib/ai/follow-up';
import { titleFromQuestion } from '@/lib/assistant/conversations';
import type { Operation } from '@/lib/http/operation';
import { ownerRows } from '../helpers/db';
import { call, provision, signIn, type Identity } from '../helpers/http';
import { addMember, type Member } from '../helpers/tenancy';
import { CONTRACT, MEETING } from '../search/corpus';
import { seedDocument } from '../search/seed';
import { parseAsk } from './ndjson';

// Assistant conversations: private to the person who started them (another member of the same organization, an
// admin included, and another organization cannot read, rename, delete or detect one), kept across requests,
// and the context a short follow-up question is understood in.

type Tenant = Awaited<ReturnType<typeof provision>>;

let a: Tenant;
let b: Tenant;
let owner: Identity;
let colleague: Member;
let admin: Member;
let outsider: Identity;

const create = (as: Identity, body: unknown = {}) =>
  call(conversationsRoute.POST, { method: 'POST', path: '/api/v1/assistant/conversations', body, as });
const list = (as: Identity, qs = '') => call(conversationsRoute.GET, { path: `/api/v1/assistant/conversations${qs}`, as });
const get = (as: Identity, id: string) => call(byIdRoute.GET, { path: `/api/v1/assistant/conversations/${id}`, params: { id }, as });
const rename = (as: Identity, id: string, title: unknown) =>
  call(byIdRoute.PATCH, { method: 'PATCH', path: `/api/v1/assistant/conversations/${id}`, params: { id }, body: { title }, as });
const remove = (as: Identity, id: string) => call(byIdRoute.DELETE, { method: 'DELETE', path: `/api/v1/assistant/conversations/${id}`, params: { id }, as });
const ask = (as: Identity, body: unknown) => call(askRoute.POST, { method: 'POST', path: '/api/v1/assistant/ask', body, as });

const errorOf = (res: { status: number; body: any }) => ({ status: res.status, code: res.body?.error?.code, message: res.body?.error?.message });

beforeAll(async () => {
  [a, b] = [await provision(), await provision()];
  owner = { cookie: (await signIn(a.ownerEmail)).cookie, tenantId: a.tenantId };
  colleague = await addMember({ apiKey: a.apiKey }, a.tenantId, 'member');
  admin = await addMember({ apiKey: a.apiKey }, a.tenantId, 'admin');
  outsider = { cookie: (await signIn(b.ownerEmail)).cookie, tenantId: b.tenantId };
  await seedDocument(a.tenantId, MEETING);
  await seedDocument(a.tenantId, CONTRACT);
});

describe('conversations CRUD', () => {
  it('creates, lists newest-used first with a cursor, renames and deletes', async () => {
    const ids: string[] = [];
    for (const title of ['First', 'Second', 'Third']) {
      const res = await create(owner, { title });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ title, turnCount: 0 });
      ids.push(res.body.id);
    }
    const page1 = await list(owner, '?limit=2');
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((c: { title: string }) => c.title)).toEqual(['Third', 'Second']);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await list(owner, `?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
    expect(page2.body.items.map((c: { title: string }) => c.title)).toEqual(expect.arrayContaining(['First']));
    expect(page2.body.items.map((c: { id: string }) => c.id)).not.toContain(ids[2]);

    const renamed = await rename(owner, ids[0] ?? '', '  Launch planning  ');
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body.title).toBe('Launch planning');
    expect((await get(owner, ids[0] ?? '')).body).toMatchObject({ title: 'Launch planning', turns: [] });

    expect((await remove(owner, ids[1] ?? '')).status).toBe(204);
    expect((await get(owner, ids[1] ?? '')).status).toBe(404);
    expect((await remove(owner, ids[1] ?? '')).status).toBe(404);
  });

  it('refuses a title that is empty or too long with a clear message, and never cuts it', async () => {
    const { body } = await create(owner);
    expect(body.title).toBeNull();
    const long = await rename(owner, body.id, 'x'.repeat(201));
    expect(long.status).toBe(422);
    expect(long.body.error.message).toMatch(/at most 200 characters/);
    expect((await rename(owner, body.id, '   ')).status).toBe(422);
    expect((await create(owner, { title: 'y'.repeat(201) })).status).toBe(422);
    expect((await get(owner, body.id)).body.title).toBeNull();
  });

  it('belongs to a person: an API key gets 403 and a clear message', async () => {
    const res = await list({ apiKey: a.apiKey });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/signed-in person/);
    const asked = await ask({ apiKey: a.apiKey }, { question: 'Who drafts the release notes?', conversationId: randomUUID() });
    expect(asked.status).toBe(403);
  });
});

describe('asking in a conversation', () => {
  let id: string;

  beforeAll(async () => {
    id = (await create(owner)).body.id;
  });

  it('keeps the question, the answer and its citations, and names the conversation after the first question', async () => {
    const out = parseAsk((await ask(owner, { question: 'Who will draft the release notes?', conversationId: id })).body);
    expect(out.answer).toContain('Lee will draft the release notes');
    expect(out.events[0]).toMatchObject({ conversationId: id, turnId: expect.any(String), searchQuery: 'Who will draft the release notes?' });
    const view = await get(owner, id);
    expect(view.body).toMatchObject({ title: 'Who will draft the release notes?', turnCount: 1 });
    expect(view.body.turns).toEqual([
      expect.objectContaining({
        ord: 0,
        question: 'Who will draft the release notes?',
        status: 'done',
        answer: out.answer,
        citations: out.done.citations,
        provider: 'offline',
        answeredAt: expect.any(String),
      }),
    ]);
    expect(view.body.turns[0].citations.length).toBeGreaterThan(0);
  });

  it('understands a short follow-up through the subject of the question before it', async () => {
    const alone = parseAsk((await ask(owner, { question: 'And by when?' })).body);
    expect(alone.answer).not.toContain('Friday');

    const out = parseAsk((await ask(owner, { question: 'And by when?', conversationId: id })).body);
    expect(out.events[0].searchQuery).toMatch(/^And by when\? \(.*release.*notes.*\)$/);
    expect(out.answer).toContain('by Friday');
    const view = await get(owner, id);
    expect(view.body.turns.map((t: { ord: number; searchQuery: string }) => [t.ord, t.searchQuery])).toEqual([
      [0, 'Who will draft the release notes?'],
      [1, out.events[0].searchQuery],
    ]);
  });

  it('moves to the top of the list when asked in, and an unknown conversation id changes nothing', async () => {
    await create(owner, { title: 'Newer but idle' });
    await ask(owner, { question: 'What termination notice does the Northwind agreement require?', conversationId: id });
    expect((await list(owner)).body.items[0].id).toBe(id);
    const missing = await ask(owner, { question: 'Anything?', conversationId: randomUUID() });
    expect(missing.status).toBe(404);
  });
});

describe('follow-up context (deterministic)', () => {
  it.each([
    ['and who owns it?', true],
    ['What about the budget?', true],
    ['When?', true],
    ['What termination notice does the Northwind agreement require?', false],
  ])('%s is a follow-up: %s', (question, expected) => {
    expect(isFollowUp(question)).toBe(expected);
  });

  it('carries the earlier subject through a chain of follow-ups, and leaves a standalone question alone', () => {
    const q1 = 'When is the mobile app beta launch?';
    expect(contextualQuestion('and who owns it?', [q1])).toBe('and who owns it? (mobile app beta launch)');
    expect(contextualQuestion('by when?', [q1, 'and who owns it?'])).toMatch(/^by when\? \(.*mobile.*launch/);
    expect(contextualQuestion('What does the travel policy say about hotels?', [q1])).toBe('What does the travel policy say about hotels?');
    expect(contextualQuestion('and who owns it?', [])).toBe('and who owns it?');
  });

  it('names a conversation with whole words', () => {
    const long = 'Which of the action items from the weekly product sync are still open and who is responsible for each of them?';
    const title = titleFromQuestion(long);
    expect(title.endsWith('…')).toBe(true);
    expect(long.startsWith(title.slice(0, -1))).toBe(true);
    expect(long.charAt(title.length - 1)).toBe(' ');
  });
});

describe('private to its owner', () => {
  let id: string;
  let turnQuestion: string;

  beforeAll(async () => {
    id = (await create(owner, { title: 'Owner only' })).body.id;
    turnQuestion = 'Who will draft the release notes?';
    parseAsk((await ask(owner, { question: turnQuestion, conversationId: id })).body);
  });

  it.each([
    ['another member of the same organization', () => colleague.as],
    ['an admin of the same organization', () => admin.as],
    ['the owner of another organization', () => outsider],
  ])('%s cannot read, rename, delete, ask in or list it: 404 exactly like a random id', async (_who, as) => {
    const identity = as();
    const probes: [string, (target: string) => Promise<{ status: number; body: any }>][] = [
      ['get', (t) => get(identity, t)],
      ['rename', (t) => rename(identity, t, 'Hijacked')],
      ['delete', (t) => remove(identity, t)],
      ['ask', (t) => ask(identity, { question: 'and who owns it?', conversationId: t })],
    ];
    for (const [name, probe] of probes) {
      const foreign = await probe(id);
      const unknown = await probe(randomUUID());
      expect(foreign.status, name).toBe(404);
      expect(errorOf(foreign), name).toEqual(errorOf(unknown));
    }
    const listed = await list(identity, '?limit=100');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(id);
  });

  it('is unchanged by every attempt', async () => {
    const view = await get(owner, id);
    expect(view.body).toMatchObject({ title: 'Owner only', turnCount: 1 });
    expect(view.body.turns.map((t: { question: string }) => t.question)).toEqual([turnQuestion]);
    const rows = await ownerRows<{ n: number }>(sql`select count(*)::int as n from assistant_turns where conversation_id = ${id}`);
    expect(rows[0]?.n).toBe(1);
  });

  it('every conversation operation is covered here', () => {
    const ops = Object.values(assistantOps as Record<string, unknown>).filter(
      (v): v is Operation => typeof v === 'object' && v !== null && 'id' in v && 'method' in v,
    );
    const covered = new Set(['askAssistant', 'listConversations', 'createConversation', 'getConversation', 'renameConversation', 'deleteConversation']);
    expect(ops.map((o) => o.id).filter((o) => !covered.has(o))).toEqual([]);
  });
});
