import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as incidentsRoute from '@/app/api/ops/incidents/route';
import * as incidentRoute from '@/app/api/ops/incidents/[id]/route';
import * as infraRoute from '@/app/api/ops/infra-costs/route';
import * as maintenanceRoute from '@/app/api/ops/maintenance/route';
import * as payRoute from '@/app/api/ops/tenants/[id]/invoices/[invoiceId]/pay/route';
import * as invoicesRoute from '@/app/api/ops/tenants/[id]/invoices/route';
import * as tenantRoute from '@/app/api/ops/tenants/[id]/route';
import { auditLog } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { listInfraCosts } from '@/lib/economics/infra-costs';
import { listOperatorActions } from '@/lib/ops/action-log';
import { grantOperator, isOperator, listOperators, revokeOperator } from '@/lib/ops/operators';
import { call, provision, signUp, uniqueEmail } from '../helpers/http';
import { makeOperator } from './helpers';

// Every operator action is audited: on an organization, in that organization's own audit log with the operator
// named; platform-wide, in the operator-action log the console shows. Platform rows on a shared server database
// are told apart by unique names (a component, a far-future month, an address).

let op: Awaited<ReturnType<typeof makeOperator>>;

beforeAll(async () => {
  op = await makeOperator();
});

async function tenantAudit(tenantId: string) {
  return withTenant(tenantId, (tx) => tx.select({ action: auditLog.action, actorType: auditLog.actorType }).from(auditLog));
}

async function operatorLog(match: (summary: string) => boolean) {
  return (await listOperatorActions(500)).filter((a) => match(a.summary));
}

describe('actions on an organization', () => {
  it('suspend, change plan and quotas, reactivate: each in the organization audit log', async () => {
    const org = await provision();
    const as = { cookie: op.cookie };
    const patch = (body: unknown) => call(tenantRoute.PATCH, { method: 'PATCH', path: `/api/ops/tenants/${org.tenantId}`, params: { id: org.tenantId }, body, as });
    expect((await patch({ status: 'suspended' })).body.tenant.status).toBe('suspended');
    expect((await patch({ plan: 'enterprise', quotas: { documents: 10 } })).body.tenant.plan).toBe('enterprise');
    expect((await patch({ status: 'active' })).body.tenant.status).toBe('active');
    expect((await patch({ plan: 'nope' })).status).toBe(422);
    const actions = (await tenantAudit(org.tenantId)).filter((a) => a.action === 'ops.updateTenant');
    expect(actions).toHaveLength(3);
    expect(actions.every((a) => a.actorType === 'system')).toBe(true);
  });

  it('issue an invoice and mark it paid: billing entries and the operator entries', async () => {
    const org = await provision();
    const as = { cookie: op.cookie };
    const issued = await call(invoicesRoute.POST, { method: 'POST', path: `/api/ops/tenants/${org.tenantId}/invoices`, params: { id: org.tenantId }, body: { period: 'current' }, as });
    expect(issued.status).toBe(201);
    expect(issued.body.status).toBe('open');
    const again = await call(invoicesRoute.POST, { method: 'POST', path: `/api/ops/tenants/${org.tenantId}/invoices`, params: { id: org.tenantId }, body: { period: 'current' }, as });
    expect(again.status).toBe(409);
    const paid = await call(payRoute.POST, { method: 'POST', path: `/api/ops/tenants/${org.tenantId}/invoices/${issued.body.id}/pay`, params: { id: org.tenantId, invoiceId: issued.body.id }, as });
    expect(paid.status).toBe(200);
    expect(paid.body.invoices[0].status).toBe('paid');
    const actions = (await tenantAudit(org.tenantId)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['billing.invoiceIssued', 'ops.issueInvoice', 'billing.invoicePaid', 'ops.payInvoice']));
  });

  it("another organization's invoice id answers 404, like one that exists nowhere", async () => {
    const a = await provision();
    const b = await provision();
    const as = { cookie: op.cookie };
    const issued = await call(invoicesRoute.POST, { method: 'POST', path: `/api/ops/tenants/${a.tenantId}/invoices`, params: { id: a.tenantId }, body: { period: 'current' }, as });
    const pay = (tenantId: string, invoiceId: string) => call(payRoute.POST, { method: 'POST', path: `/api/ops/tenants/${tenantId}/invoices/${invoiceId}/pay`, params: { id: tenantId, invoiceId }, as });
    const crossed = await pay(b.tenantId, issued.body.id);
    const nowhere = await pay(b.tenantId, randomUUID());
    expect(crossed.status).toBe(404);
    expect(crossed.body.error.message).toBe(nowhere.body.error.message);
  });
});

describe('platform-wide actions go to the operator-action log', () => {
  it('posting and resolving an incident', async () => {
    const component = `ops-test-${randomUUID().slice(0, 8)}`;
    const opened = await call(incidentsRoute.POST, { method: 'POST', path: '/api/ops/incidents', body: { state: 'open', component, title: 'Slow answers', detail: 'Investigating' }, as: { cookie: op.cookie } });
    expect(opened.status).toBe(200);
    expect(opened.body.incident).toMatchObject({ component, status: 'open', kind: 'manual' });
    const reworded = await call(incidentRoute.PATCH, { method: 'PATCH', path: `/api/ops/incidents/${opened.body.incident.id}`, params: { id: opened.body.incident.id }, body: { title: 'Slow answers', detail: 'Fixed; watching' }, as: { cookie: op.cookie } });
    expect(reworded.body.incident).toMatchObject({ detail: 'Fixed; watching', status: 'open' });
    const resolved = await call(incidentsRoute.POST, { method: 'POST', path: '/api/ops/incidents', body: { state: 'resolved', component }, as: { cookie: op.cookie } });
    expect(resolved.body.incident.status).toBe('resolved');
    const logged = await operatorLog((s) => s.includes(component));
    expect(logged.map((a) => [a.action, a.actor])).toEqual([
      ['incidents.resolve', op.email],
      ['incidents.update', op.email],
      ['incidents.open', op.email],
    ]);
    // A resolved incident is history: it can no longer be reworded.
    const late = await call(incidentRoute.PATCH, { method: 'PATCH', path: `/api/ops/incidents/${opened.body.incident.id}`, params: { id: opened.body.incident.id }, body: { title: 'Rewritten' }, as: { cookie: op.cookie } });
    expect(late.status).toBe(404);
  });

  it('maintenance mode (switched off only: on a shared database, on would refuse other test files their writes)', async () => {
    const before = (await listOperatorActions(500)).filter((a) => a.actor === op.email && a.action === 'maintenance.off').length;
    const res = await call(maintenanceRoute.PUT, { method: 'PUT', path: '/api/ops/maintenance', body: { enabled: false }, as: { cookie: op.cookie } });
    expect(res.status).toBe(200);
    expect(res.body.enabled).toBe(false);
    const after = (await listOperatorActions(500)).filter((a) => a.actor === op.email && a.action === 'maintenance.off').length;
    expect(after).toBe(before + 1);
  });

  it("a month's infrastructure cost", async () => {
    const year = 3000 + Math.floor(Math.random() * 5000);
    const res = await call(infraRoute.PUT, { method: 'PUT', path: '/api/ops/infra-costs', body: { month: `${year}-02`, amountCents: 123_456, note: 'hosting' }, as: { cookie: op.cookie } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ month: `${year}-02-01`, amountCents: 123_456, updatedBy: op.email });
    expect(await call(infraRoute.PUT, { method: 'PUT', path: '/api/ops/infra-costs', body: { month: `${year}-13`, amountCents: 1 }, as: { cookie: op.cookie } })).toMatchObject({ status: 422 });
    expect((await listInfraCosts(1000)).find((c) => c.month === `${year}-02-01`)?.amountCents).toBe(123_456);
    const logged = await operatorLog((s) => s.includes(`February ${year}`));
    expect(logged).toMatchObject([{ action: 'infraCosts.set', actor: op.email, summary: `Set the infrastructure cost of February ${year} to $1,234.56` }]);
  });
});

describe('the CLI grant (npm run admin -- operators add|remove|list)', () => {
  it('grants, lists, removes, and logs both', async () => {
    const user = await signUp(uniqueEmail('granted'));
    expect(await isOperator(user.userId)).toBe(false);
    expect(await grantOperator(user.email.toUpperCase(), { label: 'cli' })).toEqual({ email: user.email, granted: true });
    expect(await grantOperator(user.email, { label: 'cli' })).toEqual({ email: user.email, granted: false });
    expect(await isOperator(user.userId)).toBe(true);
    expect((await listOperators()).find((o) => o.email === user.email)).toMatchObject({ twoFactorEnabled: false, grantedBy: 'cli' });
    await revokeOperator(user.email, { label: 'cli' });
    expect(await isOperator(user.userId)).toBe(false);
    await expect(revokeOperator(user.email, { label: 'cli' })).rejects.toThrow(/is not an operator/);
    await expect(grantOperator(uniqueEmail('nobody'), { label: 'cli' })).rejects.toThrow(/not found/);
    const logged = await operatorLog((s) => s.includes(user.email));
    expect(logged.map((a) => [a.action, a.actor])).toEqual([
      ['operators.revoke', 'cli'],
      ['operators.grant', 'cli'],
    ]);
  });
});

describe('granting with the platform token (automation, the e2e setup)', () => {
  it('grants an existing account, and is invisible without the token', async () => {
    const { resetEnvForTests } = await import('@/lib/env');
    const route = await import('@/app/api/platform/operators/route');
    const token = `platform-${randomUUID()}`;
    process.env.PLATFORM_ADMIN_TOKEN = token;
    resetEnvForTests();
    try {
      const user = await signUp(uniqueEmail('automated'));
      expect((await call(route.POST, { method: 'POST', path: '/api/platform/operators', body: { email: user.email }, headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } })).status).toBe(401);
      const ok = await call(route.POST, { method: 'POST', path: '/api/platform/operators', body: { email: user.email }, headers: { authorization: `Bearer ${token}` } });
      expect(ok.body).toEqual({ email: user.email, granted: true });
      expect(await isOperator(user.userId)).toBe(true);
      expect((await operatorLog((s) => s.includes(user.email))).map((a) => a.actor)).toEqual(['platform token']);
    } finally {
      delete process.env.PLATFORM_ADMIN_TOKEN;
      resetEnvForTests();
    }
  });
});
