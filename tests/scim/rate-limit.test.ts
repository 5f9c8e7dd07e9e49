import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLimiters, resetLimitersForTests, setLimitersForTests, TENANT_LIMITS_PER_MINUTE } from '@/lib/ratelimit/limits';
import { provision } from '../helpers/http';
import { createToken, expectScimError, routes, scim } from './scim-client';

// SCIM requests are limited per token (like API keys): a busy identity provider is slowed down with SCIM's own
// 429, and another token of the same organization is unaffected. A long window keeps the count exact.

let first: string;
let second: string;

beforeAll(async () => {
  const t = await provision();
  first = (await createToken({ apiKey: t.apiKey }, 'Okta')).token;
  second = (await createToken({ apiKey: t.apiKey }, 'Azure AD')).token;
  setLimitersForTests(
    buildLimiters({ ipPerMinute: 1_000, apiKeyPerMinute: 3, authPerMinute: 1_000, tenantPerMinute: TENANT_LIMITS_PER_MINUTE }, { kv: null, windowMs: 60 * 60_000 }),
  );
});

afterAll(() => resetLimitersForTests());

describe('SCIM rate limit', () => {
  it('refuses the fourth request of one token with a SCIM 429 and Retry-After, and lets another token through', async () => {
    for (let i = 0; i < 3; i++) expect((await scim(routes.usersRoute.GET, first, { path: '/Users' })).status).toBe(200);
    const limited = await scim(routes.usersRoute.GET, first, { path: '/Users' });
    expectScimError(limited, 429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await scim(routes.usersRoute.GET, second, { path: '/Users' })).status).toBe(200);
  });
});
