import type { Scenario } from './types';

export const healthScenario: Scenario = {
  id: 'health',
  title: 'GET /api/health',
  exercises: 'the route wrapper and the IP rate limit; no database',
  baseline: true,
  prepare: async () => ({ path: '/api/health' }),
};
