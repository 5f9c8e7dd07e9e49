import { describe, expect, it } from 'vitest';
import * as openapiRoute from '@/app/api/v1/openapi.json/route';

describe('OpenAPI document for the privacy operations', () => {
  it('declares member erasure by membership id and the two-step tenant erasure, with their permissions', async () => {
    const res = openapiRoute.GET();
    expect(res.status).toBe(200);
    const { paths } = await res.json();
    const member = paths['/api/v1/privacy/users/{id}'].delete;
    expect(member['x-permission']).toBe('privacy:manage');
    expect(member.summary).toMatch(/membership id/);
    const tenant = paths['/api/v1/tenant'].delete;
    expect(tenant['x-permission']).toBe('tenant:manage');
    expect(tenant.summary).toMatch(/confirm/);
  });
});
