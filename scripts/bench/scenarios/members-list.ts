import type { Scenario } from './types';

// Tenant plan limits are fixed per minute (enterprise 6,000): spreading connections over a few tenants keeps
// the measurement about the work, not about 429s. Each request still runs the whole path: API-key resolution
// (cached per instance after the first request), IP + key + tenant rate limits, one RLS transaction whose role,
// settings and access check travel with BEGIN, the list query, COMMIT.
const TENANTS = 5;

export const membersListScenario: Scenario = {
  id: 'members-list',
  title: 'GET /api/v1/members (API key)',
  exercises:
    'API-key auth, three rate limiters, one RLS-scoped transaction in three round trips (BEGIN with role, settings and access check; the paginated list; COMMIT)',
  prepare: async (ctx) => {
    const keys: string[] = [];
    for (let i = 0; i < TENANTS; i++) keys.push((await ctx.provisionTenant(`Bench Org ${i + 1}`)).apiKey);
    return {
      path: '/api/v1/members?limit=20',
      perConnectionHeaders: keys.map((k) => ({ authorization: `Bearer ${k}` })),
    };
  },
};
