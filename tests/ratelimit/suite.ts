import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import * as authRoute from '@/app/api/auth/[...all]/route';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as membersRoute from '@/app/api/v1/members/route';
import { buildLimiters, setLimitersForTests, TENANT_LIMITS_PER_MINUTE, type LimiterBackendOptions, type LimitSettings } from '@/lib/ratelimit/limits';
import { BASE, call, provision } from '../helpers/http';
import { PEER_ADDRESS_HEADER } from '@/lib/http/request-meta';

// Long windows: at a window's edge the sliding window weighs in the previous one and rounds (STACK-NOTES.md).
export const HOUR = 60 * 60_000;
const HIGH = 100_000;

export function settings(over: Partial<Omit<LimitSettings, 'tenantPerMinute'>> & { tenant?: number } = {}): LimitSettings {
  const tenant = over.tenant ?? HIGH;
  return {
    ipPerMinute: over.ipPerMinute ?? HIGH,
    apiKeyPerMinute: over.apiKeyPerMinute ?? HIGH,
    authPerMinute: over.authPerMinute ?? HIGH,
    tenantPerMinute: { ...TENANT_LIMITS_PER_MINUTE, standard: tenant },
  };
}

const members = (apiKey: string, ip: string) => call(membersRoute.GET, { path: '/api/v1/members', as: { apiKey }, headers: { [PEER_ADDRESS_HEADER]: ip } });

function expectRefused(res: { status: number; body: any; headers: Headers }, limiter: string) {
  expect(res.status).toBe(429);
  expect(res.body.error.code).toBe('rate_limited');
  expect(res.body.error.message).toContain(`${limiter} limit`);
  expect(typeof res.body.error.requestId).toBe('string');
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(HOUR / 1000);
  expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
}

/**
 * The rate-limit behaviour every backend must show through real routes. `backend()` is called once per test
 * and must give fresh counters (a new in-process limiter, or a new Redis key prefix).
 */
export function defineRouteLimitSuite(backend: () => LimiterBackendOptions) {
  let a: Awaited<ReturnType<typeof provision>>;
  let b: Awaited<ReturnType<typeof provision>>;
  let a2Key: string;
  const use = (s: LimitSettings) => setLimitersForTests(buildLimiters(s, { ...backend(), windowMs: HOUR }));

  beforeAll(async () => {
    use(settings());
    a = await provision();
    b = await provision();
    const created = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', as: { apiKey: a.apiKey }, body: { name: 'second', scopes: ['members:read'] } });
    expect(created.status).toBe(201);
    a2Key = created.body.secret;
  });

  it('per client IP: N requests pass with counting headers, then 429 with Retry-After; another IP is unaffected', async () => {
    use(settings({ ipPerMinute: 3 }));
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await members(a.apiKey, '203.0.113.7');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('3');
      remaining.push(res.headers.get('x-ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    expectRefused(await members(a.apiKey, '203.0.113.7'), 'ip');
    expect((await members(a.apiKey, '203.0.113.8')).status).toBe(200);
    expect((await members(b.apiKey, '203.0.113.9')).status).toBe(200);
  });

  it('per tenant: every key and IP of a tenant shares one bucket; another tenant has its own', async () => {
    use(settings({ tenant: 3 }));
    expect((await members(a.apiKey, '198.51.100.1')).status).toBe(200);
    expect((await members(a2Key, '198.51.100.2')).status).toBe(200);
    expect((await members(a.apiKey, '198.51.100.3')).status).toBe(200);
    expectRefused(await members(a2Key, '198.51.100.4'), 'tenant-standard');
    expect((await members(b.apiKey, '198.51.100.1')).status).toBe(200);
  });

  it('per API key: one key exhausted leaves another key of the same tenant and IP working', async () => {
    use(settings({ apiKeyPerMinute: 2 }));
    expect((await members(a.apiKey, '192.0.2.1')).status).toBe(200);
    expect((await members(a.apiKey, '192.0.2.1')).status).toBe(200);
    expectRefused(await members(a.apiKey, '192.0.2.1'), 'api-key');
    expect((await members(a2Key, '192.0.2.1')).status).toBe(200);
  });

  it('sign-in: the stricter per-IP limiter refuses in front of better-auth', async () => {
    use(settings({ authPerMinute: 2 }));
    const attempt = (ip: string) =>
      call(authRoute.POST, {
        method: 'POST',
        path: '/api/auth/sign-in/email',
        headers: { origin: BASE, [PEER_ADDRESS_HEADER]: ip },
        body: { email: `nobody-${randomUUID().slice(0, 6)}@example.test`, password: 'wrong password here' },
      });
    expect((await attempt('192.0.2.50')).status).toBe(401);
    expect((await attempt('192.0.2.50')).status).toBe(401);
    expectRefused(await attempt('192.0.2.50'), 'auth');
    expect((await attempt('192.0.2.51')).status).toBe(401);
  });
}
