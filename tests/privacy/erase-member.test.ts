import { BLOB_DIR } from './blob-dir';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as askRoute from '@/app/api/v1/assistant/ask/route';
import * as conversationsRoute from '@/app/api/v1/assistant/conversations/route';
import * as conversationRoute from '@/app/api/v1/assistant/conversations/[id]/route';
import * as verifyRoute from '@/app/api/v1/audit/verify/route';
import * as membersRoute from '@/app/api/v1/members/route';
import * as eraseRoute from '@/app/api/v1/privacy/users/[id]/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import * as documentsRoute from '@/app/api/v1/documents/route';
import { closeOwnerDb, ownerRows } from '../helpers/db';
import { call, provision, signUp, uniqueEmail, type Identity } from '../helpers/http';
import { addMember, type Member } from '../helpers/tenancy';
import * as exportsRoute from '@/app/api/v1/privacy/exports/route';
import { finishRunsOf } from './runs';
import { findBlobTraces, findTraces, listBlobFiles } from './scan';

// A conversation of `as`, with one question asked in it; returns the conversation id.
async function converse(as: Identity, title: string, question: string): Promise<string> {
  const created = await call(conversationsRoute.POST, { method: 'POST', path: '/api/v1/assistant/conversations', body: { title }, as });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const asked = await call(askRoute.POST, { method: 'POST', path: '/api/v1/assistant/ask', body: { question, conversationId: created.body.id }, as });
  expect(asked.status).toBe(200);
  return created.body.id;
}

const erase = (as: Identity, id: string) => call(eraseRoute.DELETE, { method: 'DELETE', path: `/api/v1/privacy/users/${id}`, params: { id }, as });

let ownerA: Identity;
let ownerB: Identity;
let tenantA: string;
let tenantB: string;
let victim: Member;
let victimName: string;
let bystander: Member;
let viewer: Member;
let victimKey: string;

beforeAll(async () => {
  const a = await provision();
  const b = await provision();
  ownerA = { apiKey: a.apiKey };
  ownerB = { apiKey: b.apiKey };
  tenantA = a.tenantId;
  tenantB = b.tenantId;
  victimName = `Zelda Quixote-${randomUUID().slice(0, 6)}`;
  const person = await signUp(uniqueEmail('victim'), 'correct horse battery', victimName);
  victim = await addMember(ownerA, tenantA, 'admin', person);
  bystander = await addMember(ownerA, tenantA, 'member');
  viewer = await addMember(ownerA, tenantA, 'viewer');

  const form = new FormData();
  const text = `Notes by ${victimName} <${victim.email}> about the quarterly plan.`;
  form.set('file', new Blob([text], { type: 'text/plain' }), 'notes.txt');
  const multipart = new Request('http://localhost/', { method: 'POST', body: form });
  const doc = await call(documentsRoute.POST, {
    method: 'POST',
    path: '/api/v1/documents',
    rawBody: new Uint8Array(await multipart.arrayBuffer()),
    headers: { 'content-type': multipart.headers.get('content-type') ?? '' },
    as: victim.as,
  });
  expect(doc.status, JSON.stringify(doc.body)).toBe(202);
  const key = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'victim key', scopes: ['tasks:read'] }, as: victim.as });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  victimKey = key.body.secret;
  const own = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'Victim wrote this', description: 'plain' }, as: victim.as });
  expect(own.status, JSON.stringify(own.body)).toBe(201);
  const assigned = await call(tasksRoute.POST, {
    method: 'POST',
    path: '/api/v1/tasks',
    body: { title: `Call ${victimName}`, description: `Ask ${victimName} (${victim.email}) for the figures`, assigneeId: victim.userId },
    as: bystander.as,
  });
  expect(assigned.status, JSON.stringify(assigned.body)).toBe(201);
});

afterAll(async () => {
  await closeOwnerDb();
});

describe('DELETE /api/v1/privacy/users/{membershipId}', () => {
  it('refuses a viewer (403) and another tenant (404, indistinguishable from an unknown id)', async () => {
    expect((await erase(viewer.as, victim.membershipId)).status).toBe(403);
    const foreign = await erase(ownerB, victim.membershipId);
    const unknown = await erase(ownerB, randomUUID());
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(foreign.body.error?.code ?? foreign.body.code).toBe(unknown.body.error?.code ?? unknown.body.code);
    expect(foreign.body.error?.message ?? foreign.body.message).toBe(unknown.body.error?.message ?? unknown.body.message);
    const still = await ownerRows<{ n: number }>(sql`select count(*)::int as n from memberships where id = ${victim.membershipId}`);
    expect(still[0]?.n).toBe(1);
  });

  it('refuses self-erasure (409): the request would audit the erased person as its actor', async () => {
    const res = await erase(victim.as, victim.membershipId);
    expect(res.status, JSON.stringify(res.body)).toBe(409);
  });

  it('keeps the account of someone who belongs to another organization, and their membership there', async () => {
    const both = await addMember(ownerA, tenantA, 'member', await signUp(uniqueEmail('both'), 'correct horse battery', 'Both Places'));
    const inB = await addMember(ownerB, tenantB, 'member', both);
    const res = await erase(ownerA, both.membershipId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.accountDeleted).toBe(false);
    const users = await ownerRows<{ n: number }>(sql`select count(*)::int as n from "user" where id = ${both.userId}`);
    expect(users[0]?.n).toBe(1);
    const memberships = await ownerRows<{ id: string; tenant_id: string }>(sql`select id, tenant_id from memberships where user_id = ${both.userId}`);
    expect(memberships).toEqual([{ id: inB.membershipId, tenant_id: tenantB }]);
    expect((await call(tasksRoute.GET, { path: '/api/v1/tasks', as: inB.as })).status).toBe(200);
  });

  it('refuses to erase the last owner (409)', async () => {
    const members = await call(membersRoute.GET, { path: '/api/v1/members?limit=100', as: ownerA });
    const owner = (members.body.items as { id: string; role: { key: string } }[]).find((m) => m.role.key === 'owner');
    expect(owner).toBeDefined();
    const res = await erase(ownerA, owner?.id ?? '');
    expect(res.status, JSON.stringify(res.body)).toBe(409);
  });

  it('erases every trace of the person, keeps their tasks de-identified, and the audit chain still verifies', async () => {
    const before = await ownerRows<{ n: number }>(sql`select count(*)::int as n from documents where created_by = ${victim.userId}`);
    expect(before[0]?.n).toBe(1);
    // A data export they asked for holds their personal data too.
    const exported = await call(exportsRoute.POST, { method: 'POST', path: '/api/v1/privacy/exports', body: { scope: 'me' }, as: victim.as });
    expect(exported.status, JSON.stringify(exported.body)).toBe(202);
    await finishRunsOf('build-privacy-export', 'process-document');
    expect(findBlobTraces(BLOB_DIR, [victim.email]).length).toBe(2);
    // Their own conversation, and a colleague's whose question names them and whose answer quotes their notes.
    await converse(victim.as, `${victimName}'s own thread`, 'What is in my notes?');
    const colleagueThread = await converse(bystander.as, `About ${victimName}`, `What did ${victimName} note about the quarterly plan?`);
    const threadBefore = await call(conversationRoute.GET, { path: `/api/v1/assistant/conversations/${colleagueThread}`, params: { id: colleagueThread }, as: bystander.as });
    expect(JSON.stringify(threadBefore.body.turns[0].citations)).toContain(victim.email);
    // A value that lost to Asana on a colleague's task names them (lib/integrations/asana/sync.ts keeps it).
    await ownerRows(sql`insert into task_field_changes (tenant_id, task_id, field, source, value, losing_source, losing_value)
      select tenant_id, id, 'assignee', 'asana', to_jsonb(${victim.email}::text), 'reflex', to_jsonb(${`Give it to ${victimName}`}::text)
      from tasks where tenant_id = ${tenantA} and created_by = ${bystander.userId}`);
    // The scan sees the person where they were before erasure: it is not vacuously empty afterwards.
    const seen = new Set((await findTraces([victim.email, victimName, victim.userId], [victim.userId])).map((t) => t.table));
    for (const table of ['user', 'session', 'account', 'memberships', 'invitations', 'api_keys', 'documents', 'tasks', 'audit_log', 'assistant_conversations', 'assistant_turns', 'task_field_changes']) {
      expect(seen, table).toContain(table);
    }

    const res = await erase(ownerA, victim.membershipId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      membershipId: victim.membershipId,
      documentsDeleted: 1,
      conversationsDeleted: 1,
      tasksDeidentified: 2,
      apiKeysDeleted: 1,
      accountDeleted: true,
    });
    expect(res.body.auditEntriesPseudonymized).toBeGreaterThan(0);

    const traces = await findTraces([victim.email, victimName, victim.userId], [victim.userId]);
    expect(traces).toEqual([]);
    expect(findBlobTraces(BLOB_DIR, [victim.email, victimName, victim.userId])).toEqual([]);
    expect(listBlobFiles(BLOB_DIR)).toEqual([]);

    const tasks = await ownerRows<{ title: string; description: string; created_by: string | null; assignee_id: string | null }>(
      sql`select title, description, created_by, assignee_id from tasks where tenant_id = ${tenantA} order by title`,
    );
    expect(tasks).toHaveLength(2);
    expect(tasks.map((t) => t.title).sort()).toEqual(['Call [erased]', 'Victim wrote this']);
    expect(tasks.find((t) => t.title === 'Call [erased]')?.description).toBe('Ask [erased] ([erased]) for the figures');
    expect(tasks.every((t) => t.assignee_id === null)).toBe(true);
    expect(tasks.find((t) => t.title === 'Victim wrote this')?.created_by).toBeNull();
    expect(tasks.find((t) => t.title === 'Call [erased]')?.created_by).toBe(bystander.userId);
    const history = await ownerRows<{ value: unknown; losing_value: unknown }>(sql`select value, losing_value from task_field_changes where tenant_id = ${tenantA}`);
    expect(history).toEqual([{ value: '[erased]', losing_value: 'Give it to [erased]' }]);

    // The colleague keeps their conversation, without the person in it.
    const threadAfter = await call(conversationRoute.GET, { path: `/api/v1/assistant/conversations/${colleagueThread}`, params: { id: colleagueThread }, as: bystander.as });
    expect(threadAfter.status).toBe(200);
    expect(threadAfter.body.title).toBe('About [erased]');
    expect(threadAfter.body.turns[0].question).toBe('What did [erased] note about the quarterly plan?');
    expect(JSON.stringify(threadAfter.body.turns[0].citations)).toContain('[erased]');

    const verify = await call(verifyRoute.GET, { path: '/api/v1/audit/verify', as: ownerA });
    expect(verify.status).toBe(200);
    expect(verify.body.ok).toBe(true);
    expect(verify.body.pseudonymized).toBeGreaterThan(0);

    const audited = await ownerRows<{ actor_type: string; metadata: Record<string, unknown> }>(
      sql`select actor_type, metadata from audit_log
          where tenant_id = ${tenantA} and action = 'privacy.member_erased' and target_id = ${victim.membershipId}`,
    );
    expect(audited).toEqual([{ actor_type: 'api_key', metadata: expect.objectContaining({ documentsDeleted: 1, accountDeleted: true }) }]);

    expect((await call(tasksRoute.GET, { path: '/api/v1/tasks', as: { apiKey: victimKey } })).status).toBe(401);
    expect((await erase(ownerA, victim.membershipId)).status).toBe(404);
  });
});
