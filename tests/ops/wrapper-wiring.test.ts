import { afterEach, describe, expect, it } from 'vitest';
import * as health from '@/app/api/health/route';
import * as members from '@/app/api/v1/members/route';
import * as roles from '@/app/api/v1/roles/route';
import { resetEnvForTests } from '@/lib/env';
import { clearMaintenanceCache, setMaintenance } from '@/lib/maintenance';
import { getMetrics } from '@/lib/metrics';
import { call, provision } from '../helpers/http';

// The acceptance tests for the hooks the route wrappers (lib/http/route.ts, platform-route.ts) must call:
// observeHttpRequest after every response and assertWritable before anything else.

async function requestCount(labels: Record<string, string>): Promise<number> {
  const data = await getMetrics().httpRequests.get();
  return data.values.filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k as keyof typeof v.labels]) === want)).reduce((n, v) => n + v.value, 0);
}

afterEach(async () => {
  await setMaintenance({ enabled: false });
  clearMaintenanceCache();
  resetEnvForTests();
});

describe('route wrappers', () => {
  it('count every response by route pattern, method and status', async () => {
    const before = await requestCount({ route: '/api/health', method: 'GET', status: '200' });
    await call(health.GET, { path: '/api/health' });
    await call(health.GET, { path: '/api/health' });
    expect(await requestCount({ route: '/api/health', method: 'GET', status: '200' })).toBe(before + 2);
    const unauthenticated = await call(members.GET, { path: '/api/v1/members' });
    expect(unauthenticated.status).toBe(401);
    expect(await requestCount({ route: '/api/v1/members', method: 'GET', status: '401' })).toBeGreaterThanOrEqual(1);
  });

  it('refuse tenant API writes during maintenance and keep reads', async () => {
    const { apiKey } = await provision('Wiring Org');
    await setMaintenance({ enabled: true, message: 'Back soon.' });
    const write = await call(roles.POST, { method: 'POST', path: '/api/v1/roles', body: { name: 'R', permissions: ['members:read'] }, as: { apiKey } });
    expect(write.status).toBe(503);
    expect(write.body.error).toMatchObject({ code: 'maintenance', message: 'Back soon.' });
    expect(write.headers.get('retry-after')).toBe('300');
    expect((await call(members.GET, { path: '/api/v1/members', as: { apiKey } })).status).toBe(200);
  });
});
