import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as incidentsRoute from '@/app/api/ops/incidents/route';
import * as incidentRoute from '@/app/api/ops/incidents/[id]/route';
import * as infraRoute from '@/app/api/ops/infra-costs/route';
import * as maintenanceRoute from '@/app/api/ops/maintenance/route';
import * as payRoute from '@/app/api/ops/tenants/[id]/invoices/[invoiceId]/pay/route';
import * as invoicesRoute from '@/app/api/ops/tenants/[id]/invoices/route';
import * as tenantRoute from '@/app/api/ops/tenants/[id]/route';
import { resolveOperator } from '@/lib/ops/guard';
import { BASE, call, provision, signIn, signUp, uniqueEmail } from '../helpers/http';
import { makeOperator } from './helpers';

// The console is invisible to everyone but operators: every operator route answers 404 to a signed-out visitor,
// an ordinary user, an organization's owner and an API key, exactly as a route that does not exist; an operator
// without TOTP is sent to enrol. The pages use the same gate (resolveOperator) in app/ops/layout.tsx.

type Handler = Parameters<typeof call>[0];
interface RouteCase {
  name: string;
  handler: Handler;
  method: string;
  path: string;
  params?: Record<string, string>;
  body?: unknown;
}

let victimTenant: string;
let routes: RouteCase[];

beforeAll(async () => {
  const victim = await provision();
  victimTenant = victim.tenantId;
  const invoiceId = randomUUID();
  routes = [
    { name: 'change a tenant', handler: tenantRoute.PATCH, method: 'PATCH', path: `/api/ops/tenants/${victimTenant}`, params: { id: victimTenant }, body: { status: 'suspended' } },
    { name: 'issue an invoice', handler: invoicesRoute.POST, method: 'POST', path: `/api/ops/tenants/${victimTenant}/invoices`, params: { id: victimTenant }, body: { period: 'current' } },
    { name: 'mark paid', handler: payRoute.POST, method: 'POST', path: `/api/ops/tenants/${victimTenant}/invoices/${invoiceId}/pay`, params: { id: victimTenant, invoiceId } },
    { name: 'post an incident', handler: incidentsRoute.POST, method: 'POST', path: '/api/ops/incidents', body: { state: 'open', component: 'api', title: 'Down' } },
    { name: 'update an incident', handler: incidentRoute.PATCH, method: 'PATCH', path: `/api/ops/incidents/${invoiceId}`, params: { id: invoiceId }, body: { title: 'Down', detail: '' } },
    { name: 'maintenance', handler: maintenanceRoute.PUT, method: 'PUT', path: '/api/ops/maintenance', body: { enabled: true } },
    { name: 'infrastructure cost', handler: infraRoute.PUT, method: 'PUT', path: '/api/ops/infra-costs', body: { month: '2030-01', amountCents: 1 } },
  ];
});

async function expectAll(headers: Record<string, string>, status: number, code: string) {
  for (const r of routes) {
    const res = await call(r.handler, { method: r.method, path: r.path, params: r.params, body: r.body, headers: { origin: BASE, ...headers } });
    expect(res.status, r.name).toBe(status);
    expect(res.body.error.code, r.name).toBe(code);
  }
}

const gateFor = (cookie: string) => resolveOperator(new Request(`${BASE}/ops`, { headers: cookie ? { cookie } : {} }));

describe('who is not an operator gets 404 everywhere', () => {
  it('a signed-out visitor', async () => {
    await expectAll({}, 404, 'not_found');
    expect((await gateFor('')).kind).toBe('none');
  });

  it('an ordinary user', async () => {
    const user = await signUp(uniqueEmail('plain'));
    await expectAll({ cookie: user.cookie }, 404, 'not_found');
    expect((await gateFor(user.cookie)).kind).toBe('none');
  });

  it("an organization's owner, with its API key too", async () => {
    const org = await provision();
    const owner = await signIn(org.ownerEmail);
    await expectAll({ cookie: owner.cookie }, 404, 'not_found');
    await expectAll({ authorization: `Bearer ${org.apiKey}` }, 404, 'not_found');
    expect((await gateFor(owner.cookie)).kind).toBe('none');
  });

  it('an operator whose role was removed', async () => {
    const op = await makeOperator();
    const { revokeOperator } = await import('@/lib/ops/operators');
    await revokeOperator(op.email, { label: 'cli' });
    await expectAll({ cookie: op.cookie }, 404, 'not_found');
  });
});

describe('an operator without TOTP', () => {
  it('is sent to enrol, and nothing works', async () => {
    const op = await makeOperator({ mfa: false });
    await expectAll({ cookie: op.cookie }, 403, 'mfa_required');
    const res = await call(tenantRoute.PATCH, { method: 'PATCH', path: routes[0]?.path ?? '', params: { id: victimTenant }, body: { status: 'suspended' }, as: { cookie: op.cookie } });
    expect(res.body.error.details).toEqual({ nextStep: '/app/profile' });
    expect(await gateFor(op.cookie)).toMatchObject({ kind: 'needs_mfa' });
  });
});

describe('an operator with TOTP', () => {
  it('passes the gate; a write from another site is refused', async () => {
    const op = await makeOperator();
    expect(await gateFor(op.cookie)).toMatchObject({ kind: 'operator', email: op.email });
    const res = await call(infraRoute.PUT, { method: 'PUT', path: '/api/ops/infra-costs', body: { month: '2030-01', amountCents: 1 }, headers: { cookie: op.cookie, origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
  });

  it('gets 404 for an organization that does not exist, like any unknown id', async () => {
    const op = await makeOperator();
    const ghost = randomUUID();
    const res = await call(tenantRoute.PATCH, { method: 'PATCH', path: `/api/ops/tenants/${ghost}`, params: { id: ghost }, body: { status: 'suspended' }, as: { cookie: op.cookie } });
    expect(res.status).toBe(404);
  });
});
