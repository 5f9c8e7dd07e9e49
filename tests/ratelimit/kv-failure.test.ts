import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as authRoute from '@/app/api/auth/[...all]/route';
import * as platformTenants from '@/app/api/platform/tenants/route';
import * as membersRoute from '@/app/api/v1/members/route';
import { parseEnv, resetEnvForTests } from '@/lib/env';
import { kvRestConfig } from '@/lib/kv/client';
import { buildLimiters, FAIL_MODES, resetLimitersForTests, setLimitersForTests } from '@/lib/ratelimit/limits';
import { degradedDecisionCount } from '@/lib/ratelimit/metrics';
import { BASE, call, provision, uniqueEmail } from '../helpers/http';
import { HOUR, settings } from './suite';

const PLATFORM_TOKEN = 'platform-token-for-kv-failure-tests-0123456789';

// A KV endpoint that accepts the connection and never answers: the slow-Upstash case.
function startSilentServer(): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  let requests = 0;
  const server = http.createServer(() => {
    requests += 1;
  });
  server.on('connection', (s) => sockets.add(s));
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo; // listening on a TCP port, so an AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests: () => requests,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

describe('when the KV backend cannot answer, each limiter applies its own failure policy', () => {
  let tenant: Awaited<ReturnType<typeof provision>>;
  let silent: Awaited<ReturnType<typeof startSilentServer>>;

  beforeAll(async () => {
    process.env.PLATFORM_ADMIN_TOKEN = PLATFORM_TOKEN;
    resetEnvForTests();
    resetLimitersForTests();
    tenant = await provision();
    silent = await startSilentServer();
  });

  afterAll(async () => {
    delete process.env.PLATFORM_ADMIN_TOKEN;
    delete process.env.KV_REST_API_URL;
    delete process.env.KV_REST_API_TOKEN;
    resetEnvForTests();
    resetLimitersForTests();
    await silent?.close();
  });

  it('declares ip, api-key and tenant fail-open, sign-in/sign-up, emails per address and platform fail-closed', () => {
    expect(FAIL_MODES).toEqual({ ip: 'open', apiKey: 'open', tenant: 'open', auth: 'closed', emailAddress: 'closed', platform: 'closed' });
  });

  const cases = [
    { name: 'unreachable (connection refused)', url: () => 'http://127.0.0.1:1', silent: false },
    { name: 'silent (connects, never answers)', url: () => silent.url, silent: true },
  ];

  for (const c of cases) {
    describe(c.name, () => {
      beforeAll(() => {
        setLimitersForTests(
          buildLimiters(settings({ ipPerMinute: 1, apiKeyPerMinute: 1, tenant: 1, authPerMinute: 1 }), {
            kv: { url: c.url(), token: 'x' },
            timeoutMs: 300,
            windowMs: HOUR,
            breakerCooldownMs: HOUR,
          }),
        );
      });

      it('API requests fail open: allowed beyond the limit, without counting headers, with a warning and a metric', async () => {
        const before = await degradedDecisionCount('ip', 'allowed');
        const warn = vi.spyOn(process.stderr, 'write');
        try {
          for (let i = 0; i < 3; i++) {
            const res = await call(membersRoute.GET, { path: '/api/v1/members', as: { apiKey: tenant.apiKey } });
            expect(res.status).toBe(200);
            expect(res.headers.get('x-ratelimit-limit')).toBeNull();
          }
          const lines = warn.mock.calls.map(([chunk]) => String(chunk)).filter((l) => l.includes('fail-open'));
          expect(lines.length).toBeGreaterThanOrEqual(1);
          expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'warn' });
        } finally {
          warn.mockRestore();
        }
        expect(await degradedDecisionCount('ip', 'allowed')).toBe(before + 3);
        expect(await degradedDecisionCount('tenant-standard', 'allowed')).toBeGreaterThanOrEqual(3);
        // The breaker: one timed-out round trip, then no more asking (nine limiter decisions were taken).
        if (c.silent) expect(silent.requests()).toBe(1);
      });

      it('sign-in fails closed with 503 and Retry-After, and better-auth is never reached', async () => {
        const before = await degradedDecisionCount('auth', 'refused');
        const res = await call(authRoute.POST, {
          method: 'POST',
          path: '/api/auth/sign-in/email',
          headers: { origin: BASE },
          body: { email: tenant.ownerEmail, password: 'correct horse battery' },
        });
        expect(res.status).toBe(503);
        expect(res.body.error.code).toBe('unavailable');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(res.headers.getSetCookie()).toEqual([]);
        expect(await degradedDecisionCount('auth', 'refused')).toBe(before + 1);
      });

      it('sign-up fails closed too', async () => {
        const res = await call(authRoute.POST, {
          method: 'POST',
          path: '/api/auth/sign-up/email',
          headers: { origin: BASE },
          body: { email: uniqueEmail(), password: 'correct horse battery', name: 'X' },
        });
        expect(res.status).toBe(503);
      });

      it('platform provisioning fails closed', async () => {
        const before = await degradedDecisionCount('platform', 'refused');
        const res = await call(platformTenants.POST, {
          method: 'POST',
          path: '/api/platform/tenants',
          headers: { authorization: `Bearer ${PLATFORM_TOKEN}` },
          body: { name: 'Never created', ownerEmail: uniqueEmail('owner') },
        });
        expect(res.status).toBe(503);
        expect(await degradedDecisionCount('platform', 'refused')).toBe(before + 1);
      });
    });
  }

  it('KV_REST_API_URL/TOKEN in the environment switch the limiters to Upstash (here: unreachable, so fail-open)', async () => {
    process.env.KV_REST_API_URL = 'http://127.0.0.1:1';
    process.env.KV_REST_API_TOKEN = 'x';
    resetEnvForTests();
    resetLimitersForTests();
    const before = await degradedDecisionCount('ip', 'allowed');
    const res = await call(membersRoute.GET, { path: '/api/v1/members', as: { apiKey: tenant.apiKey } });
    expect(res.status).toBe(200);
    expect(await degradedDecisionCount('ip', 'allowed')).toBe(before + 1);
  });
});

const envOf = (vars: Record<string, string>) => parseEnv({ NODE_ENV: 'test', ...vars });

describe('KV configuration', () => {
  it('prefers KV_REST_API_*, accepts UPSTASH_REDIS_REST_*, and refuses half a pair', () => {
    expect(kvRestConfig(envOf({}))).toBeNull();
    expect(kvRestConfig(envOf({ UPSTASH_REDIS_REST_URL: 'https://u.example', UPSTASH_REDIS_REST_TOKEN: 't' }))).toMatchObject({ source: 'UPSTASH_REDIS_REST' });
    expect(
      kvRestConfig(envOf({ KV_REST_API_URL: 'https://k.example', KV_REST_API_TOKEN: 'k', UPSTASH_REDIS_REST_URL: 'https://u.example', UPSTASH_REDIS_REST_TOKEN: 't' })),
    ).toMatchObject({ url: 'https://k.example', source: 'KV_REST_API' });
    expect(() => kvRestConfig(envOf({ KV_REST_API_URL: 'https://k.example' }))).toThrow(/KV_REST_API_TOKEN/);
  });
});
