import { describe, expect, it } from 'vitest';
import * as me from '@/app/api/v1/me/route';
import * as members from '@/app/api/v1/members/route';
import * as tenantsRoute from '@/app/api/v1/tenants/route';
import { call, provision, signUp } from '../helpers/http';

describe('smoke', () => {
  it('provisions, signs up, creates an org, lists members', async () => {
    const t = await provision();
    const meRes = await call(me.GET, { path: '/api/v1/me', as: { apiKey: t.apiKey } });
    expect(meRes.status).toBe(200);
    expect(meRes.body.tenant.id).toBe(t.tenantId);
    const u = await signUp();
    const created = await call(tenantsRoute.POST, { method: 'POST', path: '/api/v1/tenants', body: { name: 'Acme' }, as: { cookie: u.cookie } });
    expect(created.status).toBe(201);
    const list = await call(members.GET, { path: '/api/v1/members', as: { cookie: u.cookie } });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const other = await call(members.GET, { path: '/api/v1/members', as: { apiKey: t.apiKey } });
    expect(other.body.items.map((m: { email: string }) => m.email)).toEqual([t.ownerEmail]);
  });
});
