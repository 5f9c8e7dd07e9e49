import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as payRoute from '@/app/api/platform/tenants/[id]/invoices/[invoiceId]/pay/route';
import * as invoicesRoute from '@/app/api/platform/tenants/[id]/invoices/route';
import * as runClockRoute from '@/app/api/platform/billing/run/route';
import * as tenantBillingRoute from '@/app/api/platform/tenants/[id]/billing/route';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as apiKeyById from '@/app/api/v1/api-keys/[id]/route';
import * as askRoute from '@/app/api/v1/assistant/ask/route';
import * as billingRoute from '@/app/api/v1/billing/route';
import * as exportsRoute from '@/app/api/v1/privacy/exports/route';
import * as searchRoute from '@/app/api/v1/search/route';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { stopLocalRunner } from '@/inngest/local';
import { decideDunning } from '@/lib/billing/dunning';
import { runBillingClock } from '@/lib/billing/clock';
import { addDays } from '@/lib/billing/plans';
import { auditLog, emailDeliveries } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { renderEmail } from '@/lib/email/render';
import { resetEnvForTests } from '@/lib/env';
import { call, provision } from '../helpers/http';

// Billing with the manual provider on a controllable clock: an operator issues the invoice, the billing clock
// (what the hourly cron runs) is driven at chosen instants, and the organization goes past due, gets its
// reminders, is suspended on day 7 and is active again the moment the invoice is paid.

const TOKEN = `platform-${randomUUID()}`;
const platform = { authorization: `Bearer ${TOKEN}` };
const API_ROOT = path.resolve(import.meta.dirname, '../../app/api/v1');

beforeAll(() => {
  process.env.PLATFORM_ADMIN_TOKEN = TOKEN;
  resetEnvForTests();
});

afterAll(async () => {
  delete process.env.PLATFORM_ADMIN_TOKEN;
  resetEnvForTests();
  await stopLocalRunner();
});

async function billingNotices(tenantId: string): Promise<number> {
  const rows = await withTenant(tenantId, (tx) => tx.select({ id: emailDeliveries.id }).from(emailDeliveries).where(eq(emailDeliveries.template, 'billing-notice')));
  return rows.length;
}

async function auditActions(tenantId: string): Promise<string[]> {
  const rows = await withTenant(tenantId, (tx) => tx.select({ action: auditLog.action }).from(auditLog));
  return rows.map((r) => r.action);
}

describe('the grace period, as a pure decision', () => {
  const since = new Date('2026-03-01T10:00:00Z');
  const pastDue = { status: 'past_due' as const, pastDueSince: since, remindersSent: 0 };

  it('sends day 0, 3 and 6 notices and suspends on day 7', () => {
    expect(decideDunning(pastDue, since)).toMatchObject({ notice: 'payment_failed', remindersSent: 1, suspend: false });
    expect(decideDunning({ ...pastDue, remindersSent: 1 }, addDays(since, 2.9)).notice).toBeNull();
    expect(decideDunning({ ...pastDue, remindersSent: 1 }, addDays(since, 3))).toMatchObject({ notice: 'reminder', remindersSent: 2 });
    expect(decideDunning({ ...pastDue, remindersSent: 2 }, addDays(since, 6))).toMatchObject({ notice: 'final_reminder', remindersSent: 3 });
    expect(decideDunning({ ...pastDue, remindersSent: 3 }, addDays(since, 6.99)).suspend).toBe(false);
    expect(decideDunning({ ...pastDue, remindersSent: 3 }, addDays(since, 7))).toMatchObject({ notice: 'suspended', suspend: true });
  });

  it('words each notice for the people who can pay', async () => {
    const base = { template: 'billing-notice' as const, to: 'owner@example.com', brand: 'Acme', amount: '$130.00', suspendOn: '2026-03-08T10:00:00.000Z', url: 'http://localhost:3000/app/settings/organization#billing' };
    const first = await renderEmail({ ...base, stage: 'payment_failed' });
    expect(first.subject).toBe('Payment for Acme is overdue');
    expect(first.text).toContain('$130.00');
    expect(first.text).toContain('Sun, 08 Mar 2026');
    const last = await renderEmail({ ...base, stage: 'suspended' });
    expect(last.subject).toBe('Acme is suspended for an unpaid invoice');
    expect(last.text).toContain('Nothing has been deleted');
  });

  it('sends only the latest notice owed after a long pause, and nothing for an active organization', () => {
    expect(decideDunning(pastDue, addDays(since, 6.5))).toMatchObject({ notice: 'final_reminder', remindersSent: 3 });
    expect(decideDunning({ status: 'active', pastDueSince: null, remindersSent: 0 }, addDays(since, 30)).notice).toBeNull();
  });
});

describe('manual billing end to end', () => {
  it('past due when the invoice is not paid, suspended on day 7 (reads and export still work), active again on payment', async () => {
    const org = await provision(undefined, undefined, 'professional');
    const key = { apiKey: org.apiKey };
    const t0 = new Date();

    const issued = await call(invoicesRoute.POST, { method: 'POST', path: `/api/platform/tenants/${org.tenantId}/invoices`, params: { id: org.tenantId }, body: {}, headers: platform });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body).toMatchObject({ seats: 1, unitPriceCents: 6_500, amountCents: 6_500, status: 'open' });
    const again = await call(invoicesRoute.POST, { method: 'POST', path: `/api/platform/tenants/${org.tenantId}/invoices`, params: { id: org.tenantId }, body: {}, headers: platform });
    expect(again.status).toBe(409);

    // Before the due date nothing happens.
    expect(await runBillingClock(org.tenantId, addDays(t0, 6))).toBe('active');
    expect(await billingNotices(org.tenantId)).toBe(0);

    // Due date passed: past due, day-0 notice.
    const failedAt = addDays(t0, 7.5);
    expect(await runBillingClock(org.tenantId, failedAt)).toBe('past_due');
    expect(await billingNotices(org.tenantId)).toBe(1);
    expect(await runBillingClock(org.tenantId, addDays(failedAt, 1))).toBe('past_due');
    expect(await billingNotices(org.tenantId)).toBe(1);
    const view = await call(billingRoute.GET, { path: '/api/v1/billing', as: key });
    expect(view.body).toMatchObject({ enabled: true, status: 'past_due' });
    expect(new Date(view.body.suspendOn).getTime()).toBe(addDays(failedAt, 7).getTime());
    // Past due is a warning, not a stop.
    expect((await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'Still working' }, as: key })).status).toBe(201);
    const spare = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'spare', scopes: ['tasks:read'] }, as: key });
    expect(spare.status, JSON.stringify(spare.body)).toBe(201);

    await runBillingClock(org.tenantId, addDays(failedAt, 3));
    await runBillingClock(org.tenantId, addDays(failedAt, 6));
    expect(await billingNotices(org.tenantId)).toBe(3);
    expect(await runBillingClock(org.tenantId, addDays(failedAt, 7))).toBe('suspended');
    expect(await billingNotices(org.tenantId)).toBe(4);

    const write = await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'Refused' }, as: key });
    expect(write.status).toBe(402);
    expect(write.body.error.code).toBe('payment_required');
    expect(write.body.error.message).toMatch(/Settings → Organization → Billing/);
    expect((await call(searchRoute.GET, { path: '/api/v1/search?q=permit', as: key })).status).toBe(402);
    expect((await call(askRoute.POST, { method: 'POST', path: '/api/v1/assistant/ask', body: { question: 'Who files the permit?' }, as: key })).status).toBe(402);
    expect((await call(tasksRoute.GET, { path: '/api/v1/tasks', as: key })).status).toBe(200);
    expect((await call(exportsRoute.POST, { method: 'POST', path: '/api/v1/privacy/exports', body: { scope: 'tenant' }, as: key })).status).toBe(202);
    // Security never waits: a key can still be revoked.
    const spareId: string = spare.body.id;
    const revoked = await call(apiKeyById.DELETE, { method: 'DELETE', path: `/api/v1/api-keys/${spareId}`, params: { id: spareId }, as: key });
    expect(revoked.status).toBeLessThan(300);

    const invoiceId: string = issued.body.id;
    const paid = await call(payRoute.POST, { method: 'POST', path: `/api/platform/tenants/${org.tenantId}/invoices/${invoiceId}/pay`, params: { id: org.tenantId, invoiceId }, headers: platform });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.status).toBe('active');
    expect((await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'Back' }, as: key })).status).toBe(201);
    expect((await call(payRoute.POST, { method: 'POST', path: `/api/platform/tenants/${org.tenantId}/invoices/${invoiceId}/pay`, params: { id: org.tenantId, invoiceId }, headers: platform })).status).toBe(409);

    expect(await auditActions(org.tenantId)).toEqual(
      expect.arrayContaining(['billing.enabled', 'billing.invoiceIssued', 'billing.paymentFailed', 'billing.pastDue', 'billing.suspended', 'billing.invoicePaid', 'billing.reactivated']),
    );
  });

  it('refuses every write route of the API while suspended, and never lets one succeed', async () => {
    const org = await provision();
    const key = { apiKey: org.apiKey };
    const issued = await call(invoicesRoute.POST, { method: 'POST', path: `/api/platform/tenants/${org.tenantId}/invoices`, params: { id: org.tenantId }, body: {}, headers: platform });
    const failedAt = addDays(new Date(issued.body.dueAt), 0.1);
    await runBillingClock(org.tenantId, failedAt);
    expect(await runBillingClock(org.tenantId, addDays(failedAt, 7))).toBe('suspended');

    const allowed = new Set(['POST /privacy/exports', 'DELETE /privacy/users/[id]', 'DELETE /tenant', 'DELETE /api-keys/[id]', 'POST /members/[id]/revoke-sessions']);
    const refused: string[] = [];
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name === 'route.ts' ? [path.join(dir, e.name)] : []));
    })(API_ROOT);
    for (const file of files) {
      const route: Record<string, unknown> = await import(file);
      const rel = `/${path.relative(API_ROOT, path.dirname(file))}`;
      const params: Record<string, string> = {};
      for (const m of rel.matchAll(/\[(\w+)\]/g)) if (m[1]) params[m[1]] = randomUUID();
      const urlPath = `/api/v1${rel.replace(/\[(\w+)\]/g, (_, n: string) => params[n] ?? n)}`;
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const handler = route[method];
        if (typeof handler !== 'function' || allowed.has(`${method} ${rel}`)) continue;
        // A tenant's own routes only: creating another organization or accepting an invitation are the user's.
        if (rel === '/tenants' || rel.startsWith('/invitations/accept') || rel.startsWith('/me')) continue;
        const res = await call(handler as Parameters<typeof call>[0], { method, path: urlPath, params, as: key, body: {} });
        expect(res.status, `${method} ${urlPath}`).toBeGreaterThanOrEqual(400);
        if (res.status === 402) refused.push(`${method} ${rel}`);
      }
    }
    // Routes whose JSON body is checked before the organization is known answer 422 to an empty body; the rest
    // must name the suspension.
    for (const r of ['POST /documents', 'DELETE /documents/[id]', 'POST /documents/[id]/retry', 'DELETE /tasks/[id]', 'DELETE /roles/[id]', 'PUT /settings/ai', 'POST /assistant/conversations']) {
      expect(refused).toContain(r);
    }
  });

  it('keeps each organization to its own billing: a tenant sees its own, an operator cannot pay one tenant with another one’s invoice', async () => {
    const a = await provision();
    const b = await provision();
    const issued = await call(invoicesRoute.POST, { method: 'POST', path: `/api/platform/tenants/${a.tenantId}/invoices`, params: { id: a.tenantId }, body: { period: 'next' }, headers: platform });
    expect(issued.status).toBe(201);
    const invoiceId: string = issued.body.id;
    const seenByB = await call(billingRoute.GET, { path: '/api/v1/billing', as: { apiKey: b.apiKey } });
    expect(seenByB.body).toMatchObject({ enabled: false, status: 'active', invoices: [] });
    const wrongTenant = await call(payRoute.POST, { method: 'POST', path: `/api/platform/tenants/${b.tenantId}/invoices/${invoiceId}/pay`, params: { id: b.tenantId, invoiceId }, headers: platform });
    expect(wrongTenant.status).toBe(404);
    const unknown = await call(tenantBillingRoute.GET, { path: `/api/platform/tenants/${randomUUID()}/billing`, params: { id: randomUUID() }, headers: platform });
    expect(unknown.status).toBe(404);
    const noToken = await call(invoicesRoute.POST, { method: 'POST', path: `/api/platform/tenants/${a.tenantId}/invoices`, params: { id: a.tenantId }, body: {}, as: { apiKey: a.apiKey } });
    expect(noToken.status).toBe(401);
    // A prepayment is next month's invoice.
    const view = await call(tenantBillingRoute.GET, { path: `/api/platform/tenants/${a.tenantId}/billing`, params: { id: a.tenantId }, headers: platform });
    const now = new Date();
    expect(view.body.invoices[0].periodStart).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10));
  });

  it('lets an operator run the clock now, and at a simulated time only where simulation is switched on', async () => {
    const org = await provision();
    const issued = await call(invoicesRoute.POST, { method: 'POST', path: `/api/platform/tenants/${org.tenantId}/invoices`, params: { id: org.tenantId }, body: {}, headers: platform });
    const late = addDays(new Date(issued.body.dueAt), 1).toISOString();
    const refused = await call(runClockRoute.POST, { method: 'POST', path: '/api/platform/billing/run', body: { tenantId: org.tenantId, at: late }, headers: platform });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/BILLING_CLOCK_SIMULATION/);
    const now = await call(runClockRoute.POST, { method: 'POST', path: '/api/platform/billing/run', body: { tenantId: org.tenantId }, headers: platform });
    expect(now.body.statuses[org.tenantId]).toBe('active');
    process.env.BILLING_CLOCK_SIMULATION = '1';
    resetEnvForTests();
    try {
      const simulated = await call(runClockRoute.POST, { method: 'POST', path: '/api/platform/billing/run', body: { tenantId: org.tenantId, at: late }, headers: platform });
      expect(simulated.body.statuses[org.tenantId]).toBe('past_due');
    } finally {
      delete process.env.BILLING_CLOCK_SIMULATION;
      resetEnvForTests();
    }
  });
});
