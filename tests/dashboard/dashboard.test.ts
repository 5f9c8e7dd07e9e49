import { beforeAll, describe, expect, it } from 'vitest';
import * as conversationsRoute from '@/app/api/v1/assistant/conversations/route';
import * as dashboardRoute from '@/app/api/v1/dashboard/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { getDashboard } from '@/lib/dashboard/dashboard';
import { tasks } from '@/lib/db/schema';
import { listColumns, replaceColumns } from '@/lib/tasks/columns';
import type { Access } from '@/lib/tenancy/access';
import { inTenantRolledBack } from '../helpers/db';
import { call, provision, signIn, type Identity } from '../helpers/http';
import { addMember, type Member } from '../helpers/tenancy';
import { MEETING, POLICY } from '../search/corpus';
import { seedDocument } from '../search/seed';
import { NO_POLICY } from '@/lib/tenancy/security-policy';

// GET /api/v1/dashboard: counts and lists a member may see, nothing from another organization, and each part
// only with the permission its own page needs.

type Tenant = Awaited<ReturnType<typeof provision>>;
let a: Tenant;
let b: Tenant;
let owner: Identity;
let ownerUserId: string;
let viewer: Member;

const dashboard = (as: Identity) => call(dashboardRoute.GET, { path: '/api/v1/dashboard', as });
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function task(body: Record<string, unknown>) {
  const res = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body, as: owner });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

beforeAll(async () => {
  [a, b] = [await provision(), await provision()];
  owner = { cookie: (await signIn(a.ownerEmail)).cookie, tenantId: a.tenantId };
  ownerUserId = a.owner.userId;
  viewer = await addMember({ apiKey: a.apiKey }, a.tenantId, 'viewer');
  await seedDocument(a.tenantId, MEETING);
  await seedDocument(a.tenantId, POLICY);
  await seedDocument(b.tenantId, { title: 'B secret plan', chunks: ['Nothing for A to see.'] });
  await task({ title: 'Due today', dueDate: day(0), assigneeId: ownerUserId });
  await task({ title: 'Due in three days', dueDate: day(3), assigneeId: ownerUserId });
  await task({ title: 'Overdue', dueDate: day(-2), assigneeId: ownerUserId });
  await task({ title: 'Next month', dueDate: day(30) });
  await task({ title: 'Finished', dueDate: day(1), status: 'done', assigneeId: ownerUserId });
  await task({ title: 'No date', assigneeId: ownerUserId });
  await call(conversationsRoute.POST, { method: 'POST', path: '/api/v1/assistant/conversations', body: { title: 'Launch questions' }, as: owner });
});

describe('GET /api/v1/dashboard', () => {
  it('counts documents by status, open tasks, this week and overdue, and lists mine soonest first', async () => {
    const res = await dashboard(owner);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const d = res.body;
    expect(d.documents.total).toBe(2);
    expect(d.documents.byStatus.processed).toBe(2);
    expect(d.documents.byStatus.failed).toBe(0);
    expect(d.documents.recent.map((r: { title: string }) => r.title).sort()).toEqual([MEETING.title, POLICY.title].sort());
    expect(d.tasks).toMatchObject({ open: 5, dueThisWeek: 2, overdue: 1, doneColumn: 'Done' });
    expect(d.tasks.mine.map((t: { title: string }) => t.title)).toEqual(['Overdue', 'Due today', 'Due in three days', 'No date']);
    expect(d.conversations.map((c: { title: string }) => c.title)).toEqual(['Launch questions']);
    expect(d.quotas.plan).toBe('standard');
    expect(d.quotas.quotas.map((q: { quota: string }) => q.quota)).toEqual(['documents', 'storage', 'members', 'ai_spend']);
  });

  it('shows only what the member may see elsewhere: a viewer gets no usage, and no conversations of others', async () => {
    const res = await dashboard(viewer.as);
    expect(res.status).toBe(200);
    expect(res.body.quotas).toBeNull();
    expect(res.body.documents.total).toBe(2);
    expect(res.body.tasks.mine).toEqual([]);
    expect(res.body.conversations).toEqual([]);
  });

  it('an API key has no conversations of its own', async () => {
    const res = await dashboard({ apiKey: a.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.conversations).toBeNull();
  });

  it("never shows another organization's documents, tasks or conversations", async () => {
    for (const as of [{ apiKey: b.apiKey }, { cookie: (await signIn(b.ownerEmail)).cookie, tenantId: b.tenantId }]) {
      const res = await dashboard(as);
      expect(res.status).toBe(200);
      expect(res.body.documents.total).toBe(1);
      expect(res.body.documents.recent.map((r: { title: string }) => r.title)).toEqual(['B secret plan']);
      expect(res.body.tasks).toMatchObject({ open: 0, dueThisWeek: 0, overdue: 0 });
      const text = JSON.stringify(res.body);
      for (const foreign of [a.tenantId, MEETING.title, 'Launch questions', 'Due today']) expect(text).not.toContain(foreign);
    }
  });

  it('a board with a single column has nothing finished', async () => {
    const view = await inTenantRolledBack(a.tenantId, async (tx) => {
      const columns = (await listColumns(tx, a.tenantId)).items;
      const first = columns[0];
      if (!first) throw new Error('the board has no columns');
      await tx.update(tasks).set({ columnId: first.id });
      await replaceColumns(tx, a.tenantId, { columns: [{ id: first.id, name: 'Everything' }] });
      const access: Access = { tenantId: a.tenantId, plan: 'standard', actor: { type: 'user', userId: ownerUserId }, permissions: new Set(['tasks:read']), roleKey: 'owner', policy: NO_POLICY, billing: 'active' };
      return getDashboard(tx, access);
    });
    expect(view.tasks).toMatchObject({ open: 6, doneColumn: null });
    expect(view.documents).toBeNull();
  });
});
