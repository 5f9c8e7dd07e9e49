import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as maintenanceRoute from '@/app/api/platform/maintenance/route';
import * as members from '@/app/api/v1/members/route';
import * as roles from '@/app/api/v1/roles/route';
import * as health from '@/app/api/health/route';
import * as statusRoute from '@/app/api/status/route';
import { resetStatusCacheForTests } from '@/lib/health/status';
import { getDb } from '@/lib/db/client';
import { platformSettings } from '@/lib/db/schema';
import { resetEnvForTests } from '@/lib/env';
import { clearMaintenanceCache, getMaintenanceState, MAINTENANCE_CACHE_MS } from '@/lib/maintenance';
import { isGuardedWrite } from '@/lib/maintenance/policy';
import * as auth from '@/app/api/auth/[...all]/route';
import { BASE, call, provision, uniqueEmail } from '../helpers/http';

const TOKEN = 'platform-admin-token-0123456789';
const admin = { authorization: `Bearer ${TOKEN}` };

function setEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  resetEnvForTests();
}

let apiKey: string;
beforeAll(async () => {
  apiKey = (await provision('Maintenance Org')).apiKey;
});

afterEach(() => {
  setEnv('MAINTENANCE_MODE', undefined);
  setEnv('PLATFORM_ADMIN_TOKEN', undefined);
  clearMaintenanceCache();
});

const newRole = { name: 'Auditor', permissions: ['members:read'] };

describe('maintenance mode: operator switch', () => {
  it('is invisible without PLATFORM_ADMIN_TOKEN and refuses a wrong token', async () => {
    const hidden = await call(maintenanceRoute.POST, { method: 'POST', path: '/api/platform/maintenance', body: { enabled: true } });
    expect(hidden.status).toBe(404);
    setEnv('PLATFORM_ADMIN_TOKEN', TOKEN);
    const wrong = await call(maintenanceRoute.POST, {
      method: 'POST',
      path: '/api/platform/maintenance',
      body: { enabled: true },
      headers: { authorization: 'Bearer not-the-platform-token-000' },
    });
    expect(wrong.status).toBe(401);
    expect((await getMaintenanceState()).enabled).toBe(false);
  });

  it('blocks writes with a clear 503, keeps reads, and lifts when switched off', async () => {
    setEnv('PLATFORM_ADMIN_TOKEN', TOKEN);
    const on = await call(maintenanceRoute.POST, {
      method: 'POST',
      path: '/api/platform/maintenance',
      headers: admin,
      body: { enabled: true, message: 'Upgrading the database; back at 14:00 UTC.' },
    });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ enabled: true, source: 'operator', message: 'Upgrading the database; back at 14:00 UTC.' });

    const write = await call(roles.POST, { method: 'POST', path: '/api/v1/roles', body: newRole, as: { apiKey } });
    expect(write.status).toBe(503);
    expect(write.body.error).toMatchObject({ code: 'maintenance', message: 'Upgrading the database; back at 14:00 UTC.' });
    expect(write.body.error.requestId).toEqual(expect.any(String));
    expect(write.headers.get('retry-after')).toBe('300');

    const read = await call(members.GET, { path: '/api/v1/members', as: { apiKey } });
    expect(read.status).toBe(200);
    expect((await call(health.GET, { path: '/api/health' })).status).toBe(200);
    const state = await call(maintenanceRoute.GET, { path: '/api/platform/maintenance', headers: admin });
    expect(state.body.enabled).toBe(true);
    // The public status page tells users why their changes are refused.
    resetStatusCacheForTests();
    const status = await call(statusRoute.GET, { path: '/api/status' });
    expect(status.status).toBe(200);
    expect(status.body.maintenance).toEqual({ enabled: true, message: 'Upgrading the database; back at 14:00 UTC.' });

    const off = await call(maintenanceRoute.POST, { method: 'POST', path: '/api/platform/maintenance', headers: admin, body: { enabled: false } });
    expect(off.body).toMatchObject({ enabled: false, source: 'off' });
    const after = await call(roles.POST, { method: 'POST', path: '/api/v1/roles', body: newRole, as: { apiKey } });
    expect(after.status).toBe(201);
  });

  it('is seen by every instance within the cache window', async () => {
    const now = Date.now();
    expect((await getMaintenanceState(now)).enabled).toBe(false);
    // Another instance flips the stored switch.
    const db = await getDb();
    await db
      .insert(platformSettings)
      .values({ key: 'maintenance', value: { enabled: true, message: null } })
      .onConflictDoUpdate({ target: platformSettings.key, set: { value: { enabled: true, message: null } } });
    expect((await getMaintenanceState(now + 1)).enabled).toBe(false);
    const later = await getMaintenanceState(now + MAINTENANCE_CACHE_MS + 1);
    expect(later).toMatchObject({ enabled: true, source: 'operator' });
    expect(later.message).toMatch(/maintenance/);
    await db.update(platformSettings).set({ value: { enabled: false, message: null } });
  });
});

describe('maintenance mode: MAINTENANCE_MODE=1', () => {
  it('blocks tenant writes and sign-up in the route wrappers with a clear 503, and lets reads and sign-in through', async () => {
    setEnv('MAINTENANCE_MODE', '1');
    const write = await call(roles.POST, { method: 'POST', path: '/api/v1/roles', body: newRole, as: { apiKey }, headers: { 'x-request-id': 'req-12345678' } });
    expect(write.status).toBe(503);
    expect(write.headers.get('retry-after')).toBe('300');
    expect(write.body).toEqual({ error: { code: 'maintenance', message: expect.stringMatching(/maintenance/), requestId: 'req-12345678' } });

    const read = await call(members.GET, { path: '/api/v1/members', as: { apiKey } });
    expect(read.status).toBe(200);

    const signUp = await call(auth.POST, { method: 'POST', path: '/api/auth/sign-up/email', headers: { origin: BASE }, body: { email: uniqueEmail(), password: 'correct horse battery', name: 'New' } });
    expect(signUp.status).toBe(503);
    const signIn = await call(auth.POST, { method: 'POST', path: '/api/auth/sign-in/email', headers: { origin: BASE }, body: { email: uniqueEmail(), password: 'correct horse battery' } });
    expect(signIn.status).toBe(401);
  });

  it('guards exactly the tenant API writes and sign-up', () => {
    expect(isGuardedWrite('DELETE', '/api/v1/members/1')).toBe(true);
    expect(isGuardedWrite('patch', '/api/v1/roles/1')).toBe(true);
    expect(isGuardedWrite('GET', '/api/v1/members')).toBe(false);
    expect(isGuardedWrite('POST', '/api/v1x')).toBe(false);
    expect(isGuardedWrite('POST', '/api/auth/sign-out')).toBe(false);
    expect(isGuardedWrite('POST', '/api/platform/maintenance')).toBe(false);
    expect(isGuardedWrite('POST', '/api/inngest')).toBe(false);
  });
});
