import { NextRequest } from 'next/server';
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
import { requestIdFor } from '@/lib/http/request-meta';
import { errorResponse } from '@/lib/http/respond';
import { assertWritable, clearMaintenanceCache, getMaintenanceState, MAINTENANCE_CACHE_MS } from '@/lib/maintenance';
import { isGuardedWrite } from '@/lib/maintenance/policy';
import { proxy } from '@/proxy';
import { call, provision } from '../helpers/http';

const TOKEN = 'platform-admin-token-0123456789';
const admin = { authorization: `Bearer ${TOKEN}` };

type RouteHandler = Parameters<typeof call>[0];

// What the route wrappers do first (lib/http/route.ts calls assertWritable before anything else).
const guarded =
  (handler: RouteHandler): RouteHandler =>
  async (req, ctx) => {
    try {
      await assertWritable(req);
    } catch (err) {
      return errorResponse(err, requestIdFor(req));
    }
    return handler(req, ctx);
  };

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

    const write = await call(guarded(roles.POST), { method: 'POST', path: '/api/v1/roles', body: newRole, as: { apiKey } });
    expect(write.status).toBe(503);
    expect(write.body.error).toMatchObject({ code: 'maintenance', message: 'Upgrading the database; back at 14:00 UTC.' });
    expect(write.body.error.requestId).toEqual(expect.any(String));
    expect(write.headers.get('retry-after')).toBe('300');

    const read = await call(guarded(members.GET), { path: '/api/v1/members', as: { apiKey } });
    expect(read.status).toBe(200);
    expect((await call(guarded(health.GET), { path: '/api/health' })).status).toBe(200);
    const state = await call(maintenanceRoute.GET, { path: '/api/platform/maintenance', headers: admin });
    expect(state.body.enabled).toBe(true);
    // The public status page tells users why their changes are refused.
    resetStatusCacheForTests();
    const status = await call(statusRoute.GET, { path: '/api/status' });
    expect(status.status).toBe(200);
    expect(status.body.maintenance).toEqual({ enabled: true, message: 'Upgrading the database; back at 14:00 UTC.' });

    const off = await call(maintenanceRoute.POST, { method: 'POST', path: '/api/platform/maintenance', headers: admin, body: { enabled: false } });
    expect(off.body).toMatchObject({ enabled: false, source: 'off' });
    const after = await call(guarded(roles.POST), { method: 'POST', path: '/api/v1/roles', body: newRole, as: { apiKey } });
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
  it('answers guarded writes from the proxy before any route runs, and lets reads through', async () => {
    setEnv('MAINTENANCE_MODE', '1');
    const blocked = proxy(new NextRequest('http://localhost:3000/api/v1/roles', { method: 'POST', headers: { 'x-request-id': 'req-12345678' } }));
    expect(blocked.status).toBe(503);
    expect(blocked.headers.get('retry-after')).toBe('300');
    expect(await blocked.json()).toEqual({ error: { code: 'maintenance', message: expect.stringMatching(/maintenance/), requestId: 'req-12345678' } });

    const read = proxy(new NextRequest('http://localhost:3000/api/v1/members'));
    expect(read.headers.get('x-middleware-next')).toBe('1');
    const signIn = proxy(new NextRequest('http://localhost:3000/api/auth/sign-in/email', { method: 'POST' }));
    expect(signIn.headers.get('x-middleware-next')).toBe('1');
    expect(proxy(new NextRequest('http://localhost:3000/api/auth/sign-up/email', { method: 'POST' })).status).toBe(503);

    // The route-level check agrees (covers deployments where the proxy is bypassed).
    const write = await call(guarded(roles.POST), { method: 'POST', path: '/api/v1/roles', body: newRole, as: { apiKey } });
    expect(write.status).toBe(503);
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
