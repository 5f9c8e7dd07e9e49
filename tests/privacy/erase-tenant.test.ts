import { BLOB_DIR } from './blob-dir';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as askRoute from '@/app/api/v1/assistant/ask/route';
import * as conversationsRoute from '@/app/api/v1/assistant/conversations/route';
import * as verifyRoute from '@/app/api/v1/audit/verify/route';
import * as documentsRoute from '@/app/api/v1/documents/route';
import * as exportsRoute from '@/app/api/v1/privacy/exports/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import * as tenantRoute from '@/app/api/v1/tenant/route';
import { drainLocalRunner } from '@/inngest/local';
import { issueTenantErasureToken } from '@/lib/privacy/erase-tenant';
import { listTenantBlobs, putTenantBlob, tenantBlobKey } from '@/lib/storage';
import { closeOwnerDb, listTenantTables, ownerRows } from '../helpers/db';
import { call, provision, type Identity } from '../helpers/http';
import { addMember, type Member } from '../helpers/tenancy';
import { finishRunsOf } from './runs';
import { listBlobFiles } from './scan';

const eraseTenant = (as: Identity, body?: unknown) => call(tenantRoute.DELETE, { method: 'DELETE', path: '/api/v1/tenant', body, as });

async function upload(as: Identity, text: string): Promise<void> {
  const form = new FormData();
  form.set('file', new Blob([text], { type: 'text/plain' }), 'notes.txt');
  const multipart = new Request('http://localhost/', { method: 'POST', body: form });
  const res = await call(documentsRoute.POST, {
    method: 'POST',
    path: '/api/v1/documents',
    rawBody: new Uint8Array(await multipart.arrayBuffer()),
    headers: { 'content-type': multipart.headers.get('content-type') ?? '' },
    as,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
}

async function rowsPerTable(tenantId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of await listTenantTables()) {
    const column = table === 'tenants' ? 'id' : 'tenant_id';
    const [row] = await ownerRows<{ n: number }>(
      sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(column)} = ${tenantId}`,
    );
    out[table] = row?.n ?? 0;
  }
  return out;
}

const blobsOf = (tenantId: string) => listBlobFiles(BLOB_DIR).filter((f) => f.includes(tenantId));

let ownerA: Identity;
let ownerB: Identity;
let tenantA: string;
let tenantB: string;
let adminA: Member;

beforeAll(async () => {
  const a = await provision();
  const b = await provision();
  ownerA = { apiKey: a.apiKey };
  ownerB = { apiKey: b.apiKey };
  tenantA = a.tenantId;
  tenantB = b.tenantId;
  adminA = await addMember(ownerA, tenantA, 'admin');
  await upload(ownerA, 'Tenant A secrets');
  await upload(ownerB, 'Tenant B notes');
  const task = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'A task' }, as: adminA.as });
  expect(task.status).toBe(201);
  // A private conversation goes with the organization too.
  const thread = await call(conversationsRoute.POST, { method: 'POST', path: '/api/v1/assistant/conversations', body: {}, as: adminA.as });
  expect(thread.status).toBe(201);
  const asked = await call(askRoute.POST, { method: 'POST', path: '/api/v1/assistant/ask', body: { question: 'What are the secrets?', conversationId: thread.body.id }, as: adminA.as });
  expect(asked.status).toBe(200);
});

afterAll(async () => {
  await closeOwnerDb();
});

describe('DELETE /api/v1/tenant', () => {
  it('refuses an admin without tenant:manage (403)', async () => {
    expect((await eraseTenant(adminA.as)).status).toBe(403);
    const token = issueTenantErasureToken(tenantA).confirm;
    expect((await eraseTenant(adminA.as, { confirm: token })).status).toBe(403);
    expect((await rowsPerTable(tenantA)).tenants).toBe(1);
  });

  it('answers an empty DELETE with a confirmation token and erases nothing', async () => {
    const res = await eraseTenant(ownerA);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.confirm).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    const ttl = Date.parse(res.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(9 * 60 * 1000);
    expect(ttl).toBeLessThanOrEqual(10 * 60 * 1000);
    expect((await rowsPerTable(tenantA)).tenants).toBe(1);
  });

  it('refuses a wrong, foreign, tampered or expired token (409) and erases nothing', async () => {
    const good = issueTenantErasureToken(tenantA).confirm;
    const [expiry, mac] = good.split('.');
    const bad = [
      'nonsense',
      issueTenantErasureToken(tenantB).confirm,
      `${Number(expiry) + 60_000}.${mac}`,
      `${expiry}.${(mac ?? '').replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`,
      issueTenantErasureToken(tenantA, Date.now() - 11 * 60 * 1000).confirm,
    ];
    for (const confirm of bad) {
      const res = await eraseTenant(ownerA, { confirm });
      expect(res.status, confirm).toBe(409);
    }
    expect((await rowsPerTable(tenantA)).tenants).toBe(1);
    expect(blobsOf(tenantA)).toHaveLength(1);
  });

  it("erases every row and file of the tenant, leaves the other tenant untouched, and the tenant's key stops working", async () => {
    // Files no document row names: a built export archive, and a section part a crashed build left behind.
    const exported = await call(exportsRoute.POST, { method: 'POST', path: '/api/v1/privacy/exports', body: { scope: 'tenant' }, as: ownerA });
    expect(exported.status, JSON.stringify(exported.body)).toBe(202);
    await finishRunsOf('build-privacy-export');
    await putTenantBlob(tenantA, tenantBlobKey(tenantA, `privacy-exports/${randomUUID()}/part-profiles.ndjson`), new Uint8Array([1]), 'application/x-ndjson');
    const storedA = await listTenantBlobs(tenantA);
    expect(storedA.filter((k) => k.includes('/privacy-exports/')).length).toBe(2);
    expect(storedA.filter((k) => k.includes('/documents/')).length).toBe(1);

    const beforeA = await rowsPerTable(tenantA);
    expect(beforeA.tenants).toBe(1);
    expect(beforeA.documents).toBe(1);
    expect(beforeA.audit_log).toBeGreaterThan(0);
    expect(beforeA.assistant_conversations).toBe(1);
    expect(beforeA.assistant_turns).toBe(1);
    const beforeB = await rowsPerTable(tenantB);
    expect(blobsOf(tenantA)).toHaveLength(3);
    expect(blobsOf(tenantB)).toHaveLength(1);

    // Let A's pipeline finish, so the embedded runner holds a finished history for A (its event carries A's data).
    // On a shared server database another test process's runner may drive A's run, so wait on the table itself.
    for (let i = 0; i < 600; i++) {
      await drainLocalRunner(1_000);
      const open = await ownerRows<{ n: number }>(
        sql`select count(*)::int as n from runner_runs where owner_tenant = ${tenantA} and status not in ('completed', 'failed', 'cancelled')`,
      );
      if (open[0]?.n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const historyOf = (tenantId: string) =>
      ownerRows<{ n: number }>(sql`select count(*)::int as n from runner_runs where owner_tenant = ${tenantId} and status in ('completed', 'failed', 'cancelled')`);
    expect((await historyOf(tenantA))[0]?.n).toBeGreaterThan(0);
    const historyB = (await historyOf(tenantB))[0]?.n ?? 0;

    const challenge = await eraseTenant(ownerA);
    const res = await eraseTenant(ownerA, { confirm: challenge.body.confirm });
    expect(res.status, JSON.stringify(res.body)).toBe(204);

    const afterA = await rowsPerTable(tenantA);
    expect(Object.entries(afterA).filter(([, n]) => n > 0)).toEqual([]);
    expect(await listTenantBlobs(tenantA)).toEqual([]);
    expect(blobsOf(tenantA)).toEqual([]);
    const sessions = await ownerRows<{ n: number }>(sql`select count(*)::int as n from session where active_tenant_id = ${tenantA}`);
    expect(sessions[0]?.n).toBe(0);
    expect((await historyOf(tenantA))[0]?.n).toBe(0);
    const routedEventsA = await ownerRows<{ n: number }>(
      sql`select count(*)::int as n from runner_events where owner_tenant = ${tenantA} and routed_at is not null`,
    );
    expect(routedEventsA[0]?.n).toBe(0);
    expect((await historyOf(tenantB))[0]?.n).toBeGreaterThanOrEqual(historyB);

    // Background work (realtime, pipeline) may still add rows to B; erasing A must not remove any.
    const afterB = await rowsPerTable(tenantB);
    for (const [table, n] of Object.entries(beforeB)) expect(afterB[table], table).toBeGreaterThanOrEqual(n);
    for (const table of ['tenants', 'memberships', 'roles', 'api_keys', 'documents']) expect(afterB[table], table).toBe(beforeB[table]);
    expect(blobsOf(tenantB)).toHaveLength(1);
    expect(await listTenantBlobs(tenantB)).toHaveLength(1);
    const verifyB = await call(verifyRoute.GET, { path: '/api/v1/audit/verify', as: ownerB });
    expect(verifyB.body.ok).toBe(true);

    expect((await call(tasksRoute.GET, { path: '/api/v1/tasks', as: ownerA })).status).toBe(401);
    const member = await call(tasksRoute.GET, { path: '/api/v1/tasks', as: adminA.as });
    expect(member.status, JSON.stringify(member.body)).toBe(404);
  });
});
