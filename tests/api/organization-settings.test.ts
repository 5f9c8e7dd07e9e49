import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as platformTenant from '@/app/api/platform/tenants/[id]/route';
import * as invitationsRoute from '@/app/api/v1/invitations/route';
import * as meRoute from '@/app/api/v1/me/route';
import * as orgSettings from '@/app/api/v1/settings/organization/route';
import { resetEnvForTests } from '@/lib/env';
import { call, provision, uniqueEmail } from '../helpers/http';
import { addMember, roleIdsOf } from '../helpers/tenancy';

const TOKEN = 'platform-token-for-settings-tests-0123456789';
let a: Awaited<ReturnType<typeof provision>>;
let b: Awaited<ReturnType<typeof provision>>;

beforeAll(async () => {
  process.env.PLATFORM_ADMIN_TOKEN = TOKEN;
  resetEnvForTests();
  a = await provision();
  b = await provision();
});

afterAll(() => {
  delete process.env.PLATFORM_ADMIN_TOKEN;
  resetEnvForTests();
});

const patchOrg = (as: { apiKey: string } | { cookie: string; tenantId: string }, body: unknown) =>
  call(orgSettings.PATCH, { method: 'PATCH', path: '/api/v1/settings/organization', body, as });

const operator = (id: string, body: unknown, token = TOKEN) =>
  call(platformTenant.PATCH, {
    method: 'PATCH',
    path: `/api/platform/tenants/${id}`,
    params: { id },
    body,
    headers: { authorization: `Bearer ${token}` },
  });

describe('organization settings', () => {
  it('sets retention and a Slack webhook, and never echoes the webhook back', async () => {
    const res = await patchOrg({ apiKey: a.apiKey }, { retentionDays: 30, slackWebhookUrl: 'https://hooks.slack.com/services/T0/B0/xyz' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: a.tenantId, retentionDays: 30, slackWebhookConfigured: true });
    expect(JSON.stringify(res.body)).not.toContain('hooks.slack.com');
    const cleared = await patchOrg({ apiKey: a.apiKey }, { retentionDays: null, slackWebhookUrl: null });
    expect(cleared.body).toMatchObject({ retentionDays: null, slackWebhookConfigured: false });
  });

  it('refuses webhooks to other hosts, bad retention and unknown fields with 422, changing nothing', async () => {
    for (const body of [{ slackWebhookUrl: 'https://evil.example/hook' }, { retentionDays: 0 }, { retentionDays: 7, plan: 'enterprise' }, {}]) {
      const res = await patchOrg({ apiKey: a.apiKey }, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const now = await call(orgSettings.GET, { path: '/api/v1/settings/organization', as: { apiKey: a.apiKey } });
    expect(now.body.retentionDays).toBeNull();
  });

  it('needs settings:manage, and another tenant can neither read nor change it', async () => {
    const member = await addMember({ apiKey: a.apiKey }, a.tenantId, 'member');
    const denied = await patchOrg(member.as, { retentionDays: 5 });
    expect(denied.status).toBe(403);
    const foreign = await call(orgSettings.GET, { path: '/api/v1/settings/organization', as: { ...member.as, tenantId: b.tenantId } });
    expect(foreign.status).toBe(404);
    const own = await patchOrg({ apiKey: b.apiKey }, { retentionDays: 9 });
    expect(own.body.id).toBe(b.tenantId);
    const aView = await call(orgSettings.GET, { path: '/api/v1/settings/organization', as: { apiKey: a.apiKey } });
    expect(aView.body.retentionDays).toBeNull();
  });
});

describe('operator changes to a tenant', () => {
  it('overrides the members quota: the next invitation is refused with quota_exceeded', async () => {
    const t = await provision();
    const res = await operator(t.tenantId, { plan: 'professional', quotas: { members: 1 } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.tenant).toMatchObject({ id: t.tenantId, plan: 'professional', status: 'active' });
    const roles = await roleIdsOf({ apiKey: t.apiKey });
    const invite = await call(invitationsRoute.POST, {
      method: 'POST',
      path: '/api/v1/invitations',
      body: { email: uniqueEmail('over'), roleId: roles.member },
      as: { apiKey: t.apiKey },
    });
    expect(invite.status).toBe(429);
    expect(invite.body.error.code).toBe('quota_exceeded');
    const lifted = await operator(t.tenantId, { quotas: { members: null } });
    expect(lifted.status).toBe(200);
  });

  it('suspends and reactivates a tenant', async () => {
    const t = await provision();
    expect((await operator(t.tenantId, { status: 'suspended' })).status).toBe(200);
    const blocked = await call(meRoute.GET, { path: '/api/v1/me', as: { apiKey: t.apiKey } });
    expect(blocked.status).toBe(403);
    expect((await operator(t.tenantId, { status: 'active' })).status).toBe(200);
    expect((await call(meRoute.GET, { path: '/api/v1/me', as: { apiKey: t.apiKey } })).status).toBe(200);
  });

  it('answers 404 for an unknown tenant, 400 for a bad id, 401 for a wrong token, 422 for bad input', async () => {
    expect((await operator(randomUUID(), { plan: 'enterprise' })).status).toBe(404);
    expect((await operator('not-a-uuid', { plan: 'enterprise' })).status).toBe(400);
    expect((await operator(a.tenantId, { plan: 'enterprise' }, 'wrong-token-wrong-token-wrong')).status).toBe(401);
    expect((await operator(a.tenantId, { plan: 'gold' })).status).toBe(422);
  });
});
