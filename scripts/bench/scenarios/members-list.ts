import type { Scenario } from './types';

// Tenant plan limits are fixed per minute (enterprise 6,000): spreading connections over a few tenants keeps
// the measurement about the work, not about 429s. Each request still runs the whole path: API-key resolution
// (cached per instance after the first request), IP + key + tenant rate limits, one RLS transaction whose role and
// settings travel with BEGIN, the list query, COMMIT. The access decision is read with BEGIN at most once per key
// per ACCESS_CACHE_TTL_MS (1 s) and reused in between (lib/tenancy/access-cache.ts).
const TENANTS = 5;

export const membersListScenario: Scenario = {
  id: 'members-list',
  title: 'GET /api/v1/members (API key)',
  exercises:
    'API-key auth, three rate limiters, one RLS-scoped transaction in three round trips (BEGIN with role and settings, plus the access check once a second per key; the paginated list; COMMIT)',
  prepare: async (ctx) => {
    const keys: string[] = [];
    for (let i = 0; i < TENANTS; i++) keys.push((await ctx.provisionTenant(`Bench Org ${i + 1}`)).apiKey);
    return {
      path: '/api/v1/members?limit=20',
      perConnectionHeaders: keys.map((k) => ({ authorization: `Bearer ${k}` })),
    };
  },
};
