import { BLOB_DIR } from './blob-dir';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as askRoute from '@/app/api/v1/assistant/ask/route';
import * as conversationsRoute from '@/app/api/v1/assistant/conversations/route';
import * as documentsRoute from '@/app/api/v1/documents/route';
import * as createRoute from '@/app/api/v1/privacy/exports/route';
import * as exportRoute from '@/app/api/v1/privacy/exports/[id]/route';
import * as downloadRoute from '@/app/api/v1/privacy/exports/[id]/download/route';
import * as memberRoute from '@/app/api/v1/members/[id]/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { getRun, listRuns } from '@/inngest/local';
import { purgeExpiredExports } from '@/lib/privacy/export-purge';
import { closeOwnerDb, ownerRows } from '../helpers/db';
import { call, provision, type Identity } from '../helpers/http';
import { addMember, roleIdsOf, type Member } from '../helpers/tenancy';
import { finishRunsOf } from './runs';

interface Line {
  section: string;
  data: Record<string, unknown>;
}

const requestExport = (as: Identity, scope: string) => call(createRoute.POST, { method: 'POST', path: '/api/v1/privacy/exports', body: { scope }, as });
const getExport = (as: Identity, id: string) => call(exportRoute.GET, { path: `/api/v1/privacy/exports/${id}`, params: { id }, as });
const listExports = (as: Identity) => call(createRoute.GET, { path: '/api/v1/privacy/exports', as });
const download = (as: Identity, id: string) => call(downloadRoute.GET, { path: `/api/v1/privacy/exports/${id}/download`, params: { id }, as });

const finishExports = () => finishRunsOf('build-privacy-export');

async function buildExport(as: Identity, scope: 'me' | 'tenant') {
  const created = await requestExport(as, scope);
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  expect(created.body.status).toBe('queued');
  expect(created.body.downloadUrl).toBeNull();
  await finishExports();
  const view = await getExport(as, created.body.id);
  expect(view.status, JSON.stringify(view.body)).toBe(200);
  return view.body;
}

async function downloadLines(as: Identity, id: string): Promise<{ raw: string; lines: Line[] }> {
  const res = await download(as, id);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/x-ndjson');
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="reflex-export-/);
  const raw = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
  const lines = raw
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Line);
  return { raw, lines };
}

const inSection = (lines: Line[], section: string) => lines.filter((l) => l.section === section).map((l) => l.data);

let ownerA: Identity;
let ownerB: Identity;
let ownerKey: string;
let tenantA: string;
let alice: Member;
let bob: Member;
let aliceKey: string;

async function uploadText(as: Identity, title: string, text: string) {
  const res = await call(documentsRoute.POST, { method: 'POST', path: '/api/v1/documents', body: { title, text }, as });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
}

async function converse(as: Identity, title: string, question: string) {
  const created = await call(conversationsRoute.POST, { method: 'POST', path: '/api/v1/assistant/conversations', body: { title }, as });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const asked = await call(askRoute.POST, { method: 'POST', path: '/api/v1/assistant/ask', body: { question, conversationId: created.body.id }, as });
  expect(asked.status).toBe(200);
}

async function createTask(as: Identity, body: Record<string, unknown>) {
  const res = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body, as });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

beforeAll(async () => {
  const a = await provision();
  const b = await provision();
  ownerA = { apiKey: a.apiKey };
  ownerKey = a.apiKey;
  ownerB = { apiKey: b.apiKey };
  tenantA = a.tenantId;
  // An admin, so she can hold an API key of her own; Bob is a plain member.
  alice = await addMember(ownerA, tenantA, 'admin');
  bob = await addMember(ownerA, tenantA, 'member');
  await uploadText(alice.as, 'Alice quarterly notes', 'Alice writes about the quarterly plan.');
  await uploadText(bob.as, 'Bob private notes', 'Bob writes about something else entirely.');
  await createTask(alice.as, { title: 'Alice own task' });
  await createTask(bob.as, { title: 'Bob own task' });
  await converse(alice.as, 'Alice planning chat', 'What is in the quarterly plan?');
  await converse(bob.as, 'Bob private chat', 'What else is there?');
  await createTask(ownerA, { title: 'Assigned to Alice', assigneeId: alice.userId });
  const key = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'alice key', scopes: ['tasks:read'] }, as: alice.as });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  aliceKey = key.body.secret;
  // A value that lost to Asana on each member's task, and one invoice: written as the sync and billing jobs do.
  await ownerRows(sql`insert into task_field_changes (tenant_id, task_id, field, source, value, losing_source, losing_value)
    select tenant_id, id, 'title', 'asana', to_jsonb(title || ' (Asana)'), 'reflex', to_jsonb(title || ' lost edit')
    from tasks where tenant_id = ${tenantA} and title in ('Alice own task', 'Bob own task')`);
  await ownerRows(sql`insert into billing_invoices (tenant_id, period_start, seats, unit_price_cents, amount_cents, issued_at, due_at)
    values (${tenantA}, '2026-11-01', 3, 1500, 4500, now(), now() + interval '14 days')`);
});

afterAll(async () => {
  await finishExports();
  await closeOwnerDb();
});

describe('personal export (scope me)', () => {
  let exportId: string;
  let lines: Line[];
  let raw: string;

  beforeAll(async () => {
    const view = await buildExport(alice.as, 'me');
    exportId = view.id;
    expect(view.status).toBe('ready');
    expect(view.progress).toEqual({ percent: 100, sectionsDone: 11, sectionsTotal: 11 });
    expect(view.downloadUrl).toBe(`/api/v1/privacy/exports/${exportId}/download`);
    ({ raw, lines } = await downloadLines(alice.as, exportId));
  });

  it('was built by the local runner in one step per section', async () => {
    const [listed] = await listRuns({ functionId: 'build-privacy-export', eventData: { exportId } });
    const run = listed ? await getRun(listed.id) : null;
    expect(run?.status).toBe('completed');
    const steps = run?.steps.map((s) => s.name) ?? [];
    expect(steps).toEqual(
      expect.arrayContaining([
        'start',
        'section-profiles',
        'section-memberships',
        'section-documents',
        'section-tasks',
        'section-conversations',
        'section-assistantTurns',
        'section-apiKeys',
        'section-audit',
        'assemble',
      ]),
    );
    expect(steps).not.toContain('section-usage');
    expect(steps).not.toContain('section-invoices');
  });

  it('holds the member’s profile, membership, documents, tasks and key metadata, and no one else’s', () => {
    expect(lines[0]?.section).toBe('export');
    expect(inSection(lines, 'profiles')).toEqual([expect.objectContaining({ id: alice.userId, email: alice.email })]);
    expect(inSection(lines, 'memberships')).toEqual([expect.objectContaining({ userId: alice.userId, roleKey: 'admin', deactivatedAt: null })]);
    expect(inSection(lines, 'documents').map((d) => d.title)).toEqual(['Alice quarterly notes']);
    expect(inSection(lines, 'documents')[0]?.text).toBe('Alice writes about the quarterly plan.');
    expect(inSection(lines, 'tasks').map((t) => t.title).sort()).toEqual(['Alice own task', 'Assigned to Alice']);
    expect(inSection(lines, 'apiKeys')).toEqual([expect.objectContaining({ name: 'alice key' })]);
    expect(inSection(lines, 'conversations')).toEqual([expect.objectContaining({ title: 'Alice planning chat', userId: alice.userId, turnCount: 1 })]);
    expect(inSection(lines, 'assistantTurns')).toEqual([expect.objectContaining({ question: 'What is in the quarterly plan?', userId: alice.userId, status: 'done' })]);
    expect(inSection(lines, 'audit').length).toBeGreaterThan(0);
    expect(inSection(lines, 'audit').every((e) => (e.actor as { id: string }).id === alice.userId)).toBe(true);
    expect(inSection(lines, 'usage')).toEqual([]);
    expect(inSection(lines, 'invoices')).toEqual([]);
    expect(inSection(lines, 'taskHistory')).toEqual([expect.objectContaining({ field: 'title', losingValue: 'Alice own task lost edit' })]);
    expect(raw).not.toContain(bob.email);
    expect(raw).not.toContain('Bob');
  });

  it('contains no API key secret or password hash', async () => {
    expect(raw).not.toContain(aliceKey);
    expect(raw).not.toMatch(/keyHash|key_hash|password/i);
    const [account] = await ownerRows<{ password: string }>(sql`select password from account where user_id = ${alice.userId} and password is not null`);
    expect(account?.password).toBeTruthy();
    expect(raw).not.toContain(account?.password ?? 'no-password');
  });

  it('is visible to its requester only: not another member, not an owner, not another tenant', async () => {
    expect((await getExport(bob.as, exportId)).status).toBe(404);
    expect((await download(bob.as, exportId)).status).toBe(404);
    expect((await getExport(ownerA, exportId)).status).toBe(404);
    expect((await getExport(ownerB, exportId)).status).toBe(404);
    expect((await download(ownerB, exportId)).status).toBe(404);
  });

  it('stores the archive under the tenant’s blob namespace, parts removed', () => {
    const dir = path.join(BLOB_DIR, 'tenants', tenantA, 'privacy-exports', exportId);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual(['export.ndjson']);
  });

  it('answers 410 once expired, and stops offering the download', async () => {
    await ownerRows(sql`update privacy_exports set expires_at = now() - interval '1 minute' where id = ${exportId}`);
    const res = await download(alice.as, exportId);
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('gone');
    const view = await getExport(alice.as, exportId);
    expect(view.body).toMatchObject({ status: 'ready', expired: true, downloadUrl: null });
  });
});

describe('organization export (scope tenant)', () => {
  it('needs privacy:manage', async () => {
    const res = await requestExport(bob.as, 'tenant');
    expect(res.status).toBe(403);
  });

  it('rejects an unknown scope', async () => {
    expect((await requestExport(alice.as, 'everyone')).status).toBe(422);
  });

  it('holds every member, document, task and the audit log and usage, and no secret', async () => {
    const view = await buildExport(ownerA, 'tenant');
    expect(view).toMatchObject({ status: 'ready', scope: 'tenant', progress: { percent: 100, sectionsDone: 13, sectionsTotal: 13 } });
    const { raw, lines } = await downloadLines(ownerA, view.id);
    const emails = inSection(lines, 'profiles').map((p) => p.email);
    expect(emails).toEqual(expect.arrayContaining([alice.email, bob.email]));
    expect(inSection(lines, 'documents').map((d) => d.title).sort()).toEqual(['Alice quarterly notes', 'Bob private notes']);
    expect(inSection(lines, 'tasks').map((t) => t.title).sort()).toEqual(['Alice own task', 'Assigned to Alice', 'Bob own task']);
    expect(inSection(lines, 'apiKeys').length).toBeGreaterThanOrEqual(2);
    // Private in the app, but the organization's export holds every member's conversations.
    expect(inSection(lines, 'conversations').map((c) => c.title).sort()).toEqual(['Alice planning chat', 'Bob private chat']);
    expect(inSection(lines, 'assistantTurns').map((t) => t.question).sort()).toEqual(['What else is there?', 'What is in the quarterly plan?']);
    expect(inSection(lines, 'audit').length).toBeGreaterThan(0);
    expect(inSection(lines, 'taskHistory').map((c) => c.losingValue).sort()).toEqual(['Alice own task lost edit', 'Bob own task lost edit']);
    expect(inSection(lines, 'invoices')).toEqual([expect.objectContaining({ periodStart: '2026-11-01', amountCents: 4500, status: 'open' })]);
    expect(lines[0]?.data.sections).toContain('usage');
    expect(raw).not.toContain(aliceKey);
    expect(raw).not.toContain(ownerKey);
    expect(raw).not.toMatch(/keyHash|key_hash|password/i);
    expect(view.items).toBe(lines.length - 1);

    expect((await getExport(ownerB, view.id)).status).toBe(404);
    expect((await download(ownerB, view.id)).status).toBe(404);
    // A tenant archive is for privacy:manage holders (Alice, an admin), not every member.
    expect((await getExport(alice.as, view.id)).status).toBe(200);
    expect((await getExport(bob.as, view.id)).status).toBe(404);
    expect((await download(bob.as, view.id)).status).toBe(404);
  });
});

describe('listing exports (GET /api/v1/privacy/exports)', () => {
  it("lists one's own personal exports and, for privacy:manage, the organization's; never another person's, another tenant's or an expired one", async () => {
    const bobs = await requestExport(bob.as, 'me');
    expect(bobs.status).toBe(202);
    const ids = async (as: Identity) => {
      const res = await listExports(as);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((e: { id: string; scope: string }) => `${e.scope}:${e.id}`);
    };
    const tenantExports = (await ids(ownerA)).filter((e: string) => e.startsWith('tenant:'));
    expect(tenantExports.length).toBeGreaterThan(0);
    expect(await ids(bob.as)).toEqual([`me:${bobs.body.id}`]);
    // Alice's personal export expired above; as an admin she sees the organization's exports only.
    expect(await ids(alice.as)).toEqual(tenantExports);
    expect(await ids(ownerA)).not.toContain(`me:${bobs.body.id}`);
    expect(await ids(ownerB)).toEqual([]);
    await finishExports();
  });
});

describe('API keys and the export permissions', () => {
  const keyOf = async (as: Identity, scopes: string[]) => {
    const res = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: `key ${scopes.join(' ')}`, scopes }, as });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { apiKey: res.body.secret as string };
  };

  it("a key without privacy:export cannot export its creator's data, nor read or download their exports", async () => {
    const taskKey = { apiKey: aliceKey };
    const refused = await requestExport(taskKey, 'me');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/privacy:export/);
    const mine = await buildExport(alice.as, 'me');
    expect((await getExport(taskKey, mine.id)).status).toBe(404);
    expect((await download(taskKey, mine.id)).status).toBe(404);
    expect((await download(alice.as, mine.id)).status).toBe(200);
  });

  it("a key whose creator can export the organization still cannot download that export without privacy:manage in its scopes", async () => {
    // The owner's tenant export; its id is not secret (it appears in the audit log the owner's keys may read).
    const whole = await buildExport(ownerA, 'tenant');
    const narrow = await keyOf(ownerA, ['tasks:read', 'audit:read']);
    expect((await requestExport(narrow, 'tenant')).status).toBe(403);
    expect((await getExport(narrow, whole.id)).status).toBe(404);
    expect((await download(narrow, whole.id)).status).toBe(404);
    const personalOnly = await keyOf(ownerA, ['privacy:export']);
    expect((await download(personalOnly, whole.id)).status).toBe(404);
    expect((await download(await keyOf(ownerA, ['privacy:manage']), whole.id)).status).toBe(200);
  });

  it('a key scoped privacy:export exports its creator’s own data, and a member keeps the right through the built-in role', async () => {
    const exporter = await keyOf(alice.as, ['privacy:export']);
    const view = await buildExport(exporter, 'me');
    const { lines } = await downloadLines(exporter, view.id);
    expect(inSection(lines, 'profiles')).toEqual([expect.objectContaining({ id: alice.userId })]);
    expect((await buildExport(bob.as, 'me')).status).toBe('ready');
  });

  it("loses access at download once the requester no longer holds the permission (a custom role without it)", async () => {
    const mine = await buildExport(bob.as, 'me');
    const role = await call(rolesRoute.POST, { method: 'POST', path: '/api/v1/roles', body: { name: 'No exports', permissions: ['tasks:read'] }, as: ownerA });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const changed = await call(memberRoute.PATCH, { method: 'PATCH', path: `/api/v1/members/${bob.membershipId}`, params: { id: bob.membershipId }, body: { roleId: role.body.id }, as: ownerA });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect((await download(bob.as, mine.id)).status).toBe(404);
    expect((await requestExport(bob.as, 'me')).status).toBe(403);
    const back = await call(memberRoute.PATCH, { method: 'PATCH', path: `/api/v1/members/${bob.membershipId}`, params: { id: bob.membershipId }, body: { roleId: (await roleIdsOf(ownerA)).member }, as: ownerA });
    expect(back.status).toBe(200);
    expect((await download(bob.as, mine.id)).status).toBe(200);
  });
});

describe('purging expired archives', () => {
  const archiveOf = (tenantId: string, id: string) => path.join(BLOB_DIR, 'tenants', tenantId, 'privacy-exports', id, 'export.ndjson');
  const blobKeyOf = async (id: string) => (await ownerRows<{ blob_key: string | null }>(sql`select blob_key from privacy_exports where id = ${id}`))[0]?.blob_key;
  const expire = (id: string) => ownerRows(sql`update privacy_exports set expires_at = now() - interval '1 hour' where id = ${id}`);
  const purgeAudits = (tenantId: string) =>
    ownerRows<{ metadata: { count: number; exportIds: string[] } }>(
      sql`select metadata from audit_log where tenant_id = ${tenantId} and action = 'privacy.exports_purged' order by seq`,
    );

  let expiredId: string;
  let freshId: string;
  let otherId: string;
  let tenantB: string;
  let strayPart: string;

  beforeAll(async () => {
    expiredId = (await buildExport(alice.as, 'me')).id;
    freshId = (await buildExport(ownerA, 'tenant')).id;
    otherId = (await buildExport(ownerB, 'me')).id;
    const [owning] = await ownerRows<{ tenant_id: string }>(sql`select tenant_id from privacy_exports where id = ${otherId}`);
    if (!owning) throw new Error('the other tenant’s export row is missing');
    tenantB = owning.tenant_id;
    await expire(expiredId);
    // Another tenant's archive, expired too: a purge of tenant A must not reach it.
    await expire(otherId);
    for (const [tenantId, id] of [[tenantA, expiredId], [tenantA, freshId], [tenantB, otherId]] as const) {
      expect(existsSync(archiveOf(tenantId, id))).toBe(true);
    }
    // A part left behind by a build that crashed after storing the archive.
    strayPart = path.join(path.dirname(archiveOf(tenantA, expiredId)), 'profiles.ndjson');
    writeFileSync(strayPart, '{}\n');
  });

  it('deletes the expired archive (and stray parts) from storage and forgets its key', async () => {
    expect(await purgeExpiredExports(tenantA, new Date())).toBeGreaterThanOrEqual(1);
    expect(existsSync(archiveOf(tenantA, expiredId))).toBe(false);
    expect(existsSync(strayPart)).toBe(false);
    expect(await blobKeyOf(expiredId)).toBeNull();
    const audits = await purgeAudits(tenantA);
    expect(audits.flatMap((a) => a.metadata.exportIds)).toContain(expiredId);
  });

  it('still answers 410 gone with the expiry message, and the export reads as expired', async () => {
    const res = await download(alice.as, expiredId);
    expect(res.status).toBe(410);
    expect(res.body.error).toMatchObject({ code: 'gone', message: 'This export has expired; request a new one' });
    expect((await getExport(alice.as, expiredId)).body).toMatchObject({ status: 'ready', expired: true, downloadUrl: null });
  });

  it('leaves a not-yet-expired export of the same tenant and another tenant’s export alone', async () => {
    expect(existsSync(archiveOf(tenantA, freshId))).toBe(true);
    expect(await blobKeyOf(freshId)).not.toBeNull();
    expect((await download(ownerA, freshId)).status).toBe(200);
    expect(existsSync(archiveOf(tenantB, otherId))).toBe(true);
    expect(await blobKeyOf(otherId)).not.toBeNull();
  });

  it('is harmless when run again', async () => {
    const before = (await purgeAudits(tenantA)).length;
    expect(await purgeExpiredExports(tenantA, new Date())).toBe(0);
    expect((await purgeAudits(tenantA)).length).toBe(before);
    expect(existsSync(archiveOf(tenantA, freshId))).toBe(true);
  });

  it('finishes the job after a crash between deleting the blob and clearing the row', async () => {
    // The state such a crash leaves: the row still names the archive, the file is already gone.
    rmSync(archiveOf(tenantB, otherId));
    expect(await purgeExpiredExports(tenantB, new Date())).toBe(1);
    expect(await blobKeyOf(otherId)).toBeNull();
    expect((await download(ownerB, otherId)).status).toBe(410);
  });
});
